package io.fabstir.otel.logging;

import java.util.Objects;

/**
 * A structured argument: {@code log.info("job {} done", kv("fabstir.job.id", id))} renders {@code
 * fabstir.job.id=j-1} in the message and writes {@code "fabstir.job.id":"j-1"} as a field of the JSON record.
 * Values may be strings, numbers, booleans, maps and collections (written as JSON) or anything else (its
 * {@code toString()}).
 */
public final class LogField {

    private final String key;
    private final Object value;

    private LogField(String key, Object value) {
        this.key = Objects.requireNonNull(key, "key");
        this.value = value;
    }

    public static LogField kv(String key, Object value) {
        return new LogField(key, value);
    }

    public String key() {
        return key;
    }

    public Object value() {
        return value;
    }

    @Override
    public String toString() {
        return key + "=" + value;
    }
}
