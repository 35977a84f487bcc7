package io.fabstir.otel.extension;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabstir.otel.gpu.GpuProbe;
import io.fabstir.otel.gpu.GpuReading;
import io.fabstir.otel.gpu.GpuSampler;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

class GpuSpanProcessorTest {

  /** A probe whose utilization the test moves; counts reads to prove spans never call it. */
  static final class MovingProbe implements GpuProbe {
    volatile double utilization = 10;
    volatile double power = 100;
    final AtomicInteger reads = new AtomicInteger();

    @Override public boolean available() { return true; }
    @Override public String unavailableReason() { return ""; }
    @Override public int deviceCount() { return 1; }
    @Override public List<GpuReading> read() {
      reads.incrementAndGet();
      return List.of(new GpuReading(0, "Test GPU", "GPU-test", utilization, 1000, 4000, 50, power));
    }
    @Override public void close() {}
  }

  @Test
  void jobSpansGetReadingsAtStartAndAverageAndPeakAtEnd() {
    MovingProbe probe = new MovingProbe();
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (GpuSampler sampler = GpuSampler.start(probe, Duration.ofMillis(20));
        SdkTracerProvider tracing =
            SdkTracerProvider.builder()
                .addSpanProcessor(new GpuSpanProcessor(sampler))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build()) {
      Span job = tracing.get("test").spanBuilder("job.process").startSpan();
      probe.utilization = 90;
      probe.power = 300;
      Awaitility.await().atMost(Duration.ofSeconds(10))
          .until(() -> sampler.latest().get(0).utilizationPercent() == 90.0);
      job.end();

      SpanData span = exporter.getFinishedSpanItems().get(0);
      assertThat(span.getAttributes().get(GpuSpanProcessor.COUNT)).isEqualTo(1L);
      assertThat(span.getAttributes().get(GpuSpanProcessor.NAME)).isEqualTo("Test GPU");
      assertThat(span.getAttributes().get(GpuSpanProcessor.START_UTIL)).isEqualTo(10.0);
      assertThat(span.getAttributes().get(GpuSpanProcessor.PEAK_UTIL)).isEqualTo(90.0);
      assertThat(span.getAttributes().get(GpuSpanProcessor.AVG_UTIL)).isStrictlyBetween(10.0, 90.0);
      assertThat(span.getAttributes().get(GpuSpanProcessor.PEAK_POWER)).isEqualTo(300.0);
      assertThat(span.getAttributes().get(GpuSpanProcessor.SAMPLES)).isGreaterThanOrEqualTo(3L);
    }
  }

  @Test
  void spansCarryingAJobIdAreJobSpansAndOtherSpansAreLeftAlone() {
    MovingProbe probe = new MovingProbe();
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (GpuSampler sampler = GpuSampler.start(probe, Duration.ofHours(1));
        SdkTracerProvider tracing =
            SdkTracerProvider.builder()
                .addSpanProcessor(new GpuSpanProcessor(sampler))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build()) {
      int readsBefore = probe.reads.get();
      tracing.get("test").spanBuilder("inference").setAttribute("fabstir.job.id", "j-1").startSpan().end();
      tracing.get("test").spanBuilder("GET /models").startSpan().end();
      assertThat(probe.reads.get()).as("spans read the cache, never the probe").isEqualTo(readsBefore);

      List<SpanData> spans = exporter.getFinishedSpanItems();
      assertThat(spans.get(0).getAttributes().get(GpuSpanProcessor.START_UTIL)).isEqualTo(10.0);
      assertThat(spans.get(0).getAttributes().get(GpuSpanProcessor.PEAK_UTIL)).isEqualTo(10.0);
      assertThat(spans.get(1).getAttributes().get(GpuSpanProcessor.COUNT)).isNull();
    }
  }

  @Test
  void withoutAGpuJobSpansSayZeroGpusAndNothingElse() {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    try (GpuSampler sampler = GpuSampler.start(GpuProbe.none("test"), Duration.ofSeconds(1));
        SdkTracerProvider tracing =
            SdkTracerProvider.builder()
                .addSpanProcessor(new GpuSpanProcessor(sampler))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build()) {
      tracing.get("test").spanBuilder("job.process").startSpan().end();
      SpanData span = exporter.getFinishedSpanItems().get(0);
      assertThat(span.getAttributes().get(GpuSpanProcessor.COUNT)).isZero();
      assertThat(span.getAttributes().size()).isEqualTo(1);
    }
  }
}
