package io.fabstir.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class HeapWatchTest {
  private static final long MIB = 1L << 20;

  @Test
  void warnsOncePerCrossingAndReArmsBelowTheThreshold() {
    HeapWatch watch = new HeapWatch("100m", 1000 * MIB);

    assertThat(watch.check(99 * MIB)).isFalse();
    assertThat(watch.check(100 * MIB)).isTrue();
    assertThat(watch.check(150 * MIB)).as("still above: no second record").isFalse();
    assertThat(watch.check(50 * MIB)).isFalse();
    assertThat(watch.check(120 * MIB)).as("crossed again").isTrue();
  }

  @Test
  void theDefaultIsOneGibibyteOrNinetyPercentOfTheMaximumWhicheverComesFirst() {
    assertThat(new HeapWatch(null, 8192 * MIB).thresholdBytes()).isEqualTo(1024 * MIB);
    assertThat(new HeapWatch("", 256 * MIB).thresholdBytes()).isEqualTo((long) (256 * MIB * 0.9));
    assertThat(new HeapWatch("75%", 1000 * MIB).thresholdBytes()).isEqualTo(750 * MIB);
  }

  @Test
  void aBadThresholdNamesTheSetting() {
    assertThatThrownBy(() -> new HeapWatch("lots", 1000 * MIB))
        .hasMessageContaining("fabstir.memory.heap.warn")
        .hasMessageContaining("90%");
  }
}
