package io.fabstir.otel.events;

import org.slf4j.Logger;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Entry point of the event API. Each event is a normal SLF4J log call whose key/value pairs carry the record
 * fields ({@code event.dataset}, {@code event.action}, {@code event.outcome}, {@code event.duration} in ns,
 * {@code fabstir.*}), so Kibana can filter e.g. {@code event.dataset:fabstir.job and event.outcome:failure}.
 *
 * <pre>{@code
 * FabstirEvents.job(log).started("j-1", "llama-3-8b");
 * FabstirEvents.job(log).completed("j-1", "llama-3-8b", 512, Duration.ofMillis(840));
 * FabstirEvents.audit(log).action("stake.withdraw", "0xabc", Map.of("amount_eth", 1.5));
 * String rows = FabstirEvents.perf(log).measure("db.query", () -> db.query(sql));
 * ContextLogger jobLog = FabstirEvents.context(log).with("fabstir.job.id", "j-1");
 * jobLog.info("loading weights"); jobLog.job().failed("j-1", "llama-3-8b", e);
 * }</pre>
 */
public final class FabstirEvents {

    static final List<FabstirEventListener> LISTENERS = new CopyOnWriteArrayList<>();

    private FabstirEvents() {
    }

    public static JobEvents job(Logger log) {
        return new JobEvents(log, Fields.NONE);
    }

    public static AuditEvents audit(Logger log) {
        return new AuditEvents(log, Fields.NONE);
    }

    public static PerfEvents perf(Logger log) {
        return new PerfEvents(log, Fields.NONE, PerfEvents.DEFAULT_SLOW_THRESHOLD);
    }

    /** A child logger: every line and event it writes carries the fields bound with {@code with(key, value)}. */
    public static ContextLogger context(Logger log) {
        return new ContextLogger(log, Fields.NONE);
    }

    public static void addListener(FabstirEventListener listener) {
        LISTENERS.add(listener);
    }

    public static void removeListener(FabstirEventListener listener) {
        LISTENERS.remove(listener);
    }
}
