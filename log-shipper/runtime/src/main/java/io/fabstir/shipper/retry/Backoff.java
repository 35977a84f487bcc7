package io.fabstir.shipper.retry;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: the ceiling doubles from {@code initial} up to {@code max}, and each delay is
 * drawn from its upper half, so shippers retrying against one recovering broker, cluster or RPC spread out instead of
 * hitting it in step. Stateless and thread-safe; the caller counts its attempts.
 */
public final class Backoff {
    private final long initialMs;
    private final long maxMs;

    public Backoff(Duration initial, Duration max) {
        this.initialMs = Math.max(1, initial.toMillis());
        this.maxMs = Math.max(initialMs, max.toMillis());
    }

    /** The ceiling before retry number {@code attempt} (1-based): {@code initial * 2^(attempt-1)}, at most max. */
    public long ceilingMs(int attempt) {
        long ceiling = initialMs << Math.min(Math.max(attempt, 1) - 1, 30);
        return ceiling <= 0 ? maxMs : Math.min(ceiling, maxMs);
    }

    /** The delay before retry number {@code attempt} (1-based), between half the ceiling and the ceiling. */
    public long delayMs(int attempt) {
        long ceiling = ceilingMs(attempt);
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    public long maxMs() {
        return maxMs;
    }
}
