package io.fabstir.otel.extension;

import io.fabstir.otel.gpu.GpuReading;
import io.fabstir.otel.gpu.GpuSampler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.internal.ExtendedSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Puts GPU readings on job spans: the sampler's latest readings at start, and average/peak over the samples taken
 * while the span was open at end ({@code onEnding}, while the span is still writable). It reads only the sampler's
 * cache, so a span never waits on NVML. Job spans are those named {@value #JOB_SPAN} or carrying
 * {@code fabstir.job.id} at start; other spans cost one string comparison and one attribute look-up.
 */
final class GpuSpanProcessor implements ExtendedSpanProcessor {

  static final String JOB_SPAN = "job.process";
  static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("fabstir.job.id");

  static final AttributeKey<Long> COUNT = AttributeKey.longKey("fabstir.gpu.count");
  static final AttributeKey<String> NAME = AttributeKey.stringKey("fabstir.gpu.name");
  static final AttributeKey<String> UUID = AttributeKey.stringKey("fabstir.gpu.uuid");
  static final AttributeKey<Double> START_UTIL = AttributeKey.doubleKey("fabstir.gpu.start.utilization_percent");
  static final AttributeKey<Long> START_MEM = AttributeKey.longKey("fabstir.gpu.start.memory_used_bytes");
  static final AttributeKey<Long> MEM_TOTAL = AttributeKey.longKey("fabstir.gpu.memory_total_bytes");
  static final AttributeKey<Double> START_TEMP = AttributeKey.doubleKey("fabstir.gpu.start.temperature_celsius");
  static final AttributeKey<Double> START_POWER = AttributeKey.doubleKey("fabstir.gpu.start.power_watts");
  static final AttributeKey<Double> AVG_UTIL = AttributeKey.doubleKey("fabstir.gpu.avg.utilization_percent");
  static final AttributeKey<Double> PEAK_UTIL = AttributeKey.doubleKey("fabstir.gpu.peak.utilization_percent");
  static final AttributeKey<Long> PEAK_MEM = AttributeKey.longKey("fabstir.gpu.peak.memory_used_bytes");
  static final AttributeKey<Double> AVG_POWER = AttributeKey.doubleKey("fabstir.gpu.avg.power_watts");
  static final AttributeKey<Double> PEAK_POWER = AttributeKey.doubleKey("fabstir.gpu.peak.power_watts");
  static final AttributeKey<Double> PEAK_TEMP = AttributeKey.doubleKey("fabstir.gpu.peak.temperature_celsius");
  static final AttributeKey<Long> SAMPLES = AttributeKey.longKey("fabstir.gpu.samples");

  private final GpuSampler sampler;
  // Keyed by the span object itself (identity; SDK spans do not override equals).
  private final Map<ReadableSpan, Window> open = new ConcurrentHashMap<>();

  GpuSpanProcessor(GpuSampler sampler) {
    this.sampler = sampler;
    sampler.addListener(this::onSample);
  }

  static boolean isJobSpan(ReadableSpan span) {
    return JOB_SPAN.equals(span.getName()) || span.getAttribute(JOB_ID) != null;
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    if (!isJobSpan(span)) {
      return;
    }
    List<GpuReading> readings = sampler.latest();
    span.setAttribute(COUNT, (long) readings.size());
    if (readings.isEmpty()) {
      return;
    }
    Aggregate now = Aggregate.of(readings);
    span.setAttribute(NAME, readings.get(0).name());
    span.setAttribute(UUID, readings.get(0).uuid());
    span.setAttribute(START_UTIL, now.utilization);
    span.setAttribute(START_MEM, now.memoryUsed);
    span.setAttribute(MEM_TOTAL, now.memoryTotal);
    span.setAttribute(START_TEMP, now.temperature);
    span.setAttribute(START_POWER, now.power);
    Window window = new Window();
    window.add(now);
    open.put(span, window);
  }

  private void onSample(List<GpuReading> readings) {
    if (open.isEmpty() || readings.isEmpty()) {
      return;
    }
    Aggregate now = Aggregate.of(readings);
    for (Window w : open.values()) {
      w.add(now);
    }
  }

  @Override
  public void onEnding(ReadWriteSpan span) {
    Window window = open.remove(span);
    if (window == null) {
      return;
    }
    List<GpuReading> readings = sampler.latest();
    if (!readings.isEmpty()) {
      window.add(Aggregate.of(readings)); // the latest cached sample counts as the end reading
    }
    window.writeTo(span);
  }

  @Override
  public boolean isOnEndingRequired() {
    return true;
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }

  /** Spans currently tracked (for tests). */
  int openJobSpans() {
    return open.size();
  }

  /** All devices at one instant: mean utilization, summed memory and power, hottest temperature. */
  private record Aggregate(double utilization, long memoryUsed, long memoryTotal, double temperature, double power) {
    static Aggregate of(List<GpuReading> readings) {
      double util = 0;
      long mem = 0;
      long total = 0;
      double temp = 0;
      double power = 0;
      for (GpuReading r : readings) { // a reading the device lacks (NaN, -1) adds nothing
        util += present(r.utilizationPercent());
        mem += Math.max(0, r.memoryUsedBytes());
        total += Math.max(0, r.memoryTotalBytes());
        temp = Math.max(temp, present(r.temperatureCelsius()));
        power += present(r.powerWatts());
      }
      return new Aggregate(util / readings.size(), mem, total, temp, power);
    }

    private static double present(double v) {
      return Double.isNaN(v) ? 0 : v;
    }
  }

  private static final class Window {
    private long samples;
    private double utilSum;
    private double utilPeak;
    private long memPeak;
    private double powerSum;
    private double powerPeak;
    private double tempPeak;

    synchronized void add(Aggregate a) {
      samples++;
      utilSum += a.utilization;
      utilPeak = Math.max(utilPeak, a.utilization);
      memPeak = Math.max(memPeak, a.memoryUsed);
      powerSum += a.power;
      powerPeak = Math.max(powerPeak, a.power);
      tempPeak = Math.max(tempPeak, a.temperature);
    }

    synchronized void writeTo(ReadWriteSpan span) {
      span.setAttribute(SAMPLES, samples);
      span.setAttribute(AVG_UTIL, utilSum / samples);
      span.setAttribute(PEAK_UTIL, utilPeak);
      span.setAttribute(PEAK_MEM, memPeak);
      span.setAttribute(AVG_POWER, powerSum / samples);
      span.setAttribute(PEAK_POWER, powerPeak);
      span.setAttribute(PEAK_TEMP, tempPeak);
    }
  }
}
