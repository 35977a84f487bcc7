package io.fabstir.otel.events;

import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Timings: {@code event.dataset=fabstir.performance}, {@code event.action=operation.measured},
 * {@code fabstir.perf.operation}, {@code event.duration} (ns), {@code event.outcome}, tags as {@code labels.*}.
 * Logged at INFO, or WARN with {@code fabstir.perf.slow=true} when slower than the threshold (default 1 s,
 * system property {@code fabstir.perf.slow-threshold-ms}).
 */
public final class PerfEvents {

    static final String DATASET = "fabstir.performance";
    static final Duration DEFAULT_SLOW_THRESHOLD =
            Duration.ofMillis(Long.getLong("fabstir.perf.slow-threshold-ms", 1000L));

    private final Logger log;
    private final Fields fields;
    private final Duration slowThreshold;
    private final Map<String, String> labels;

    PerfEvents(Logger log, Fields fields, Duration slowThreshold) {
        this(log, fields, slowThreshold, Map.of());
    }

    private PerfEvents(Logger log, Fields fields, Duration slowThreshold, Map<String, String> labels) {
        this.log = log;
        this.fields = fields;
        this.slowThreshold = slowThreshold;
        this.labels = labels;
    }

    /** Operations slower than this are logged at WARN. */
    public PerfEvents slowerThan(Duration threshold) {
        return new PerfEvents(log, fields, threshold, labels);
    }

    /** A tag written as {@code labels.<name>}. */
    public PerfEvents label(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(labels);
        copy.put(name, value);
        return new PerfEvents(log, fields, slowThreshold, Map.copyOf(copy));
    }

    /** Runs and times {@code work}; its exception is logged (outcome failure) and rethrown. */
    public <T> T measure(String operation, Supplier<T> work) {
        long start = System.nanoTime();
        try {
            T result = work.get();
            record(operation, Duration.ofNanos(System.nanoTime() - start), true, null);
            return result;
        } catch (RuntimeException | Error e) {
            record(operation, Duration.ofNanos(System.nanoTime() - start), false, e);
            throw e;
        }
    }

    public void run(String operation, Runnable work) {
        measure(operation, () -> {
            work.run();
            return null;
        });
    }

    /** An operation timed elsewhere. */
    public void record(String operation, Duration duration) {
        record(operation, duration, true, null);
    }

    private void record(String operation, Duration duration, boolean success, Throwable error) {
        boolean slow = duration.compareTo(slowThreshold) > 0;
        Level level = error != null || slow ? Level.WARN : Level.INFO;
        LoggingEventBuilder b = fields.at(log, level);
        if (b != null) {
            b.addKeyValue("event.dataset", DATASET)
                    .addKeyValue("event.action", "operation.measured")
                    .addKeyValue("event.outcome", success ? "success" : "failure")
                    .addKeyValue("event.duration", duration.toNanos())
                    .addKeyValue("fabstir.perf.operation", operation)
                    .addKeyValue("fabstir.perf.slow", slow);
            for (Map.Entry<String, String> e : labels.entrySet()) {
                b.addKeyValue("labels." + e.getKey(), e.getValue());
            }
            if (error != null) {
                b.setCause(error);
                b.log("{} failed after {} ms", operation, duration.toMillis());
            } else if (slow) {
                b.log("{} took {} ms (slower than {} ms)", operation, duration.toMillis(), slowThreshold.toMillis());
            } else {
                b.log("{} took {} ms", operation, duration.toMillis());
            }
        }
        for (FabstirEventListener l : FabstirEvents.LISTENERS) {
            Fields.notify(() -> l.operation(operation, duration, success, labels));
            if (slow) {
                Fields.notify(() -> l.slowOperation(operation, duration, success, labels));
            }
        }
    }
}
