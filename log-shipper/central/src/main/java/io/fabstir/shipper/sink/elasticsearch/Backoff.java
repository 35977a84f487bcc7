package io.fabstir.shipper.sink.elasticsearch;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter, so many retrying indexers do not hit a recovering cluster in step. */
final class Backoff {
    private final long initialMs;
    private final long maxMs;

    Backoff(Duration initial, Duration max) {
        this.initialMs = Math.max(1, initial.toMillis());
        this.maxMs = Math.max(initialMs, max.toMillis());
    }

    /** Delay before retry number {@code attempt} (1-based). */
    long delayMs(int attempt) {
        long ceiling = initialMs << Math.min(attempt - 1, 20);
        ceiling = Math.min(ceiling <= 0 ? maxMs : ceiling, maxMs);
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }
}
