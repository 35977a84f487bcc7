package io.fabstir.otel.events;

import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * A logger with bound fields (the seed's child logger): {@code context(log).with("fabstir.job.id", id)}; every
 * line logged through it, and every event made from it with {@link #job()}, {@link #audit()}, {@link #perf()},
 * carries those fields. Immutable; {@code with} returns a new one.
 */
public final class ContextLogger {

    private final Logger log;
    private final Fields fields;

    ContextLogger(Logger log, Fields fields) {
        this.log = log;
        this.fields = fields;
    }

    public ContextLogger with(String key, Object value) {
        return new ContextLogger(log, fields.with(key, value));
    }

    public JobEvents job() {
        return new JobEvents(log, fields);
    }

    public AuditEvents audit() {
        return new AuditEvents(log, fields);
    }

    public PerfEvents perf() {
        return new PerfEvents(log, fields, PerfEvents.DEFAULT_SLOW_THRESHOLD);
    }

    public void trace(String format, Object... args) {
        log(Level.TRACE, format, args);
    }

    public void debug(String format, Object... args) {
        log(Level.DEBUG, format, args);
    }

    public void info(String format, Object... args) {
        log(Level.INFO, format, args);
    }

    public void warn(String format, Object... args) {
        log(Level.WARN, format, args);
    }

    public void error(String format, Object... args) {
        log(Level.ERROR, format, args);
    }

    /** Like the SLF4J methods: a trailing Throwable argument is logged as the error. */
    private void log(Level level, String format, Object... args) {
        LoggingEventBuilder b = fields.at(log, level);
        if (b != null) {
            b.log(format, args);
        }
    }
}
