package io.fabstir.otel.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NVML through the real JNA path, against a stub libnvidia-ml.so compiled from C by this test. */
@Tag("integration")
class NvmlProbeTest {

  @TempDir Path dir;

  @Test
  void readsEveryDeviceFromTheNvmlLibraryThroughJna() throws Exception {
    Path library = StubNvml.compile(dir);
    try (GpuProbe probe = GpuProbe.nvml(library.toString())) {
      assertThat(probe.available()).isTrue();
      assertThat(probe.deviceCount()).isEqualTo(2);
      List<GpuReading> readings = probe.read();
      assertThat(readings)
          .containsExactly(
              new GpuReading(0, "Fabstir Stub GPU A100", "GPU-fab57100-0000-4000-8000-000000000000",
                  42, 8589934592L, 42949672960L, 61, 215.0),
              new GpuReading(1, "Fabstir Stub GPU L4", "GPU-fab57100-0000-4000-8000-000000000001",
                  17, 1073741824L, 24159191040L, 55, 72.5));
    }
  }

  @Test
  void findsTheLibraryByNameOnJnaLibraryPath() throws Exception {
    Path library = StubNvml.compile(dir);
    String old = System.getProperty("jna.library.path");
    System.setProperty("jna.library.path", library.getParent().toString());
    try (GpuProbe probe = GpuProbe.nvml("nvidia-ml")) {
      assertThat(probe.available()).as(probe.unavailableReason()).isTrue();
      assertThat(probe.read()).hasSize(2);
    } finally {
      if (old == null) {
        System.clearProperty("jna.library.path");
      } else {
        System.setProperty("jna.library.path", old);
      }
    }
  }

  @Test
  void samplerServesCachedReadingsAndFeedsListenersInTheBackground() throws Exception {
    Path library = StubNvml.compile(dir);
    List<List<GpuReading>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (GpuSampler sampler = GpuSampler.start(GpuProbe.nvml(library.toString()), Duration.ofMillis(50))) {
      assertThat(sampler.latest()).hasSize(2); // first sample taken before start() returns
      sampler.addListener(seen::add);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() >= 2);
      assertThat(seen.get(0).get(0).utilizationPercent()).isEqualTo(42.0);
      assertThat(sampler.gpuPresent()).isTrue();
      assertThat(sampler.problem()).isEmpty();
    }
  }

  @Test
  void aQueryTheDeviceDoesNotSupportIsNamedMissingAndTheOtherReadingsStillCome() throws Exception {
    Path library = StubNvml.compile(dir, "STUB_POWER_RC_1=3"); // NVML_ERROR_NOT_SUPPORTED, as on a MIG slice
    try (GpuProbe probe = GpuProbe.nvml(library.toString())) {
      GpuReading l4 = probe.read().get(1);
      assertThat(l4.powerWatts()).isNaN();
      assertThat(l4.missing()).containsExactly("power: not supported");
      assertThat(l4.utilizationPercent()).isEqualTo(17);
      assertThat(l4.temperatureCelsius()).isEqualTo(55);
      assertThat(l4.memoryUsedBytes()).isEqualTo(1073741824L);
      assertThat(probe.read().get(0).missing()).isEmpty();
    }
  }

  @Test
  void anNvmlErrorOnOneQueryIsNamedWithItsCodeAndTheOthersStillCome() throws Exception {
    Path library = StubNvml.compile(dir, "STUB_TEMPERATURE_RC_0=999", "STUB_UTILIZATION_RC_0=15");
    try (GpuProbe probe = GpuProbe.nvml(library.toString())) {
      GpuReading a100 = probe.read().get(0);
      assertThat(a100.missing()).containsExactly("utilization: NVML error 15", "temperature: NVML error 999");
      assertThat(a100.temperatureCelsius()).isNaN();
      assertThat(a100.powerWatts()).isEqualTo(215.0);
    }
  }
}
