package io.fabstir.shipper.retry;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

    @Test
    void ceilingDoublesFromInitialUpToMax() {
        assertThat(backoff.ceilingMs(1)).isEqualTo(200);
        assertThat(backoff.ceilingMs(2)).isEqualTo(400);
        assertThat(backoff.ceilingMs(5)).isEqualTo(3200);
        assertThat(backoff.ceilingMs(6)).isEqualTo(5000);
        assertThat(backoff.ceilingMs(10_000)).isEqualTo(5000);
    }

    @Test
    void delaysAreJitteredWithinTheUpperHalfOfTheCeiling() {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        for (int i = 0; i < 200; i++) {
            long d = backoff.delayMs(3);
            assertThat(d).isBetween(400L, 800L);
            seen.add(d);
        }
        assertThat(seen).as("jitter spreads retries").hasSizeGreaterThan(10);
    }
}
