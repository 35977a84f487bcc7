package io.fabstir.otel.system;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * {@code fabstir_system_load1/5/15}, {@code fabstir_system_cpu_used_percent},
 * {@code fabstir_system_memory_used_percent}, {@code fabstir_system_disk_used_percent{mount}} and
 * {@code fabstir_system_network_received_bytes_total} / {@code _sent_bytes_total{interface}}: sampled on a
 * background thread every interval, served from the last sample when metrics are collected.
 */
public final class SystemMetrics implements AutoCloseable {

  private static final AttributeKey<String> MOUNT = AttributeKey.stringKey("mount");
  private static final AttributeKey<String> INTERFACE = AttributeKey.stringKey("interface");

  private final ProcReader reader;
  private final ScheduledExecutorService timer;
  private volatile SystemSample latest = SystemSample.EMPTY;

  private SystemMetrics(Path proc, Duration interval) {
    this.reader = new ProcReader(proc);
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fabstir-system-metrics");
              t.setDaemon(true);
              return t;
            });
    timer.scheduleWithFixedDelay(this::sample, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts sampling {@code /proc} and registers the gauges; null where the host has no {@code /proc}. */
  public static SystemMetrics start(Meter meter, Duration interval) {
    Path proc = Path.of("/proc");
    if (!Files.isReadable(proc.resolve("loadavg"))) {
      return null;
    }
    SystemMetrics m = new SystemMetrics(proc, interval);
    m.register(meter);
    return m;
  }

  private void sample() {
    try {
      latest = reader.read();
    } catch (RuntimeException e) {
      // a malformed /proc line: keep the previous sample
    }
  }

  private void register(Meter meter) {
    gauge(meter, "fabstir_system_load1", "Host load average over 1 minute.", SystemSample::load1);
    gauge(meter, "fabstir_system_load5", "Host load average over 5 minutes.", SystemSample::load5);
    gauge(meter, "fabstir_system_load15", "Host load average over 15 minutes.", SystemSample::load15);
    gauge(meter, "fabstir_system_cpu_used_percent", "Host CPU busy, percent of all cores.", SystemSample::cpuUsedPercent);
    gauge(meter, "fabstir_system_memory_used_percent", "Host memory in use (total - available), percent.",
        SystemSample::memoryUsedPercent);
    meter
        .gaugeBuilder("fabstir_system_disk_used_percent")
        .setDescription("Used space of each mounted file system, percent.")
        .setUnit("")
        .buildWithCallback(m -> latest.diskUsedPercentByMount().forEach((mount, v) -> m.record(v, Attributes.of(MOUNT, mount))));
    meter
        .counterBuilder("fabstir_system_network_received_bytes_total")
        .setDescription("Bytes received by each network interface.")
        .setUnit("")
        .buildWithCallback(m -> latest.networkBytesByInterface().forEach((i, v) -> m.record(v[0], Attributes.of(INTERFACE, i))));
    meter
        .counterBuilder("fabstir_system_network_sent_bytes_total")
        .setDescription("Bytes sent by each network interface.")
        .setUnit("")
        .buildWithCallback(m -> latest.networkBytesByInterface().forEach((i, v) -> m.record(v[1], Attributes.of(INTERFACE, i))));
  }

  private void gauge(Meter meter, String name, String description, ToDoubleFunction<SystemSample> value) {
    meter.gaugeBuilder(name).setDescription(description).setUnit("").buildWithCallback(m -> record(m, value));
  }

  private void record(ObservableDoubleMeasurement m, ToDoubleFunction<SystemSample> value) {
    double v = value.applyAsDouble(latest);
    if (!Double.isNaN(v)) {
      m.record(v);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
