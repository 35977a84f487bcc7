package io.fabstir.otel.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NoGpuTest {

  @Test
  void missingNvmlLibraryIsACleanNoGpuStateReportedOnce() throws Exception {
    List<LogRecord> records = new ArrayList<>();
    Logger logger = Logger.getLogger(GpuSampler.class.getName());
    Handler handler =
        new Handler() {
          @Override public void publish(LogRecord r) { records.add(r); }
          @Override public void flush() {}
          @Override public void close() {}
        };
    logger.addHandler(handler);
    try (GpuSampler sampler =
        GpuSampler.startInBackground(() -> GpuProbe.nvml("/nonexistent/libnvidia-ml.so.1"), Duration.ofMillis(10))) {
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(sampler::ready);
      Thread.sleep(200); // many intervals: nothing may be scheduled or logged again
      assertThat(sampler.gpuPresent()).isFalse();
      assertThat(sampler.deviceCount()).isZero();
      assertThat(sampler.latest()).isEmpty();
      assertThat(sampler.problem()).contains("NVML library not found");
    } finally {
      logger.removeHandler(handler);
    }
    assertThat(records).hasSize(1);
    assertThat(records.get(0).getMessage()).startsWith("No GPU");
  }

  @Test
  void noGpuProbeReadsNothing() {
    GpuProbe probe = GpuProbe.none("test");
    assertThat(probe.available()).isFalse();
    assertThat(probe.read()).isEmpty();
    assertThat(probe.unavailableReason()).isEqualTo("test");
  }
}
