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
    /** True when the date part has no unit below a day, so one name serves a whole UTC day. */
    private final boolean dailyOnly;
    private volatile Cached last;

    private IndexNames(String pattern) {
        int open = pattern.indexOf('{');
        int close = pattern.indexOf('}', open + 1);
        if (open < 0 || close < 0) {
            throw new IllegalArgumentException("index pattern needs a {date} part, e.g. " + DEFAULT_PATTERN
                    + ": " + pattern);
        }
        this.prefix = pattern.substring(0, open);
        this.suffix = pattern.substring(close + 1);
        String date = pattern.substring(open + 1, close);
        this.format = DateTimeFormatter.ofPattern(date).withZone(ZoneOffset.UTC);
        this.dailyOnly = date.replaceAll("'[^']*'", "").chars().noneMatch(ch -> "HhKkmsSAnNaB".indexOf(ch) >= 0);
        if (!name(Instant.EPOCH).equals(name(Instant.EPOCH).toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("index names must be lower case: " + pattern);
        }
    }

    public static IndexNames of(String pattern) {
        return new IndexNames(pattern);
    }

    public String name(Instant instant) {
        long day = Math.floorDiv(instant.getEpochSecond(), 86_400L);
        Cached c = last;
        if (c != null && c.day == day && dailyOnly) {
            return c.name; // nearly every record of a stream falls on the same day as the one before
        }
        String name = prefix + format.format(instant) + suffix;
        last = new Cached(day, name);
        return name;
    }

    private record Cached(long day, String name) {
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
