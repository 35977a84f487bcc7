package io.fabstir.shipper.sink.elasticsearch;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Daily index names from a pattern such as {@code fabstir-logs-{yyyy.MM.dd}}: the part in braces is a
 * {@link DateTimeFormatter} pattern applied to the record's instant in UTC.
 */
public final class IndexNames {
    public static final String DEFAULT_PATTERN = "fabstir-logs-{yyyy.MM.dd}";
    public static final String DEFAULT_DLQ_PATTERN = "fabstir-logs-dlq-{yyyy.MM.dd}";

    private final String prefix;
    private final String suffix;
    private final DateTimeFormatter format;

    private IndexNames(String pattern) {
        int open = pattern.indexOf('{');
        int close = pattern.indexOf('}', open + 1);
        if (open < 0 || close < 0) {
            throw new IllegalArgumentException("index pattern needs a {date} part, e.g. " + DEFAULT_PATTERN
                    + ": " + pattern);
        }
        this.prefix = pattern.substring(0, open);
        this.suffix = pattern.substring(close + 1);
        this.format = DateTimeFormatter.ofPattern(pattern.substring(open + 1, close)).withZone(ZoneOffset.UTC);
        if (!name(Instant.EPOCH).equals(name(Instant.EPOCH).toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("index names must be lower case: " + pattern);
        }
    }

    public static IndexNames of(String pattern) {
        return new IndexNames(pattern);
    }

    public String name(Instant instant) {
        return prefix + format.format(instant) + suffix;
    }

    /** Wildcard matching every index of this pattern, e.g. {@code fabstir-logs-*}. */
    public String wildcard() {
        return prefix + "*" + suffix;
    }

    /** The prefix before the date, e.g. {@code fabstir-logs-}. */
    public String prefix() {
        return prefix;
    }

    public DateTimeFormatter dateFormat() {
        return format;
    }
}
