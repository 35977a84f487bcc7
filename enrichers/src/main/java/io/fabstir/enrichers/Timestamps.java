package io.fabstir.enrichers;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.List;

/**
 * Rewrites {@code @timestamp} as UTC ISO-8601 with at least millisecond precision. Accepts ISO-8601 with {@code Z},
 * {@code +05:30}, {@code +0530} or {@code +05} offsets ({@code T} or space between date and time, and Python
 * logging's comma before the milliseconds), epoch numbers in
 * seconds, milliseconds, microseconds or nanoseconds (as JSON numbers or digit strings). A time without a zone is
 * read as UTC and marked {@code fabstir.timestamp_source: "assumed_utc"}. A missing or unusable value becomes the
 * ingest time, marked {@code fabstir.timestamp_source: "ingest"}, and an unusable original is kept in
 * {@code fabstir.original_timestamp}.
 */
final class Timestamps implements Enricher {

    static final String FIELD = "@timestamp";
    static final String SOURCE = "fabstir.timestamp_source";
    static final String ORIGINAL = "fabstir.original_timestamp";

    private static final DateTimeFormatter MILLIS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
    private static final Instant MIN = Instant.parse("1970-01-01T00:00:00Z");
    private static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private static final DateTimeFormatter LOCAL_PART = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .toFormatter();

    private static final List<DateTimeFormatter> WITH_OFFSET = List.of(
            offsetFormatter("+HH:MM:ss"), offsetFormatter("+HHMM"), offsetFormatter("+HH"));
    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter().withResolverStyle(ResolverStyle.STRICT);

    private static DateTimeFormatter offsetFormatter(String pattern) {
        return new DateTimeFormatterBuilder()
                .parseCaseInsensitive()
                .append(LOCAL_PART)
                .appendOffset(pattern, "Z")
                .toFormatter().withResolverStyle(ResolverStyle.STRICT);
    }


    @Override
    public void enrich(LogRecord record, RecordOrigin origin) {
        JsonNode raw = record.get(FIELD);
        if (raw == null) {
            record.put(FIELD, format(origin.ingestTime()));
            record.put(SOURCE, "ingest");
            return;
        }
        if (raw.isTextual() && CanonicalTimestamp.is(raw.textValue())) {
            return; // the encoder's own form: nothing to do, and no parse on the hot path
        }
        Parsed parsed = parse(raw);
        if (parsed == null) {
            record.remove(FIELD);
            record.put(ORIGINAL, raw.isTextual() ? raw.textValue() : raw.toString());
            record.put(FIELD, format(origin.ingestTime()));
            record.put(SOURCE, "ingest");
            return;
        }
        record.put(FIELD, format(parsed.instant));
        if (parsed.assumedUtc) {
            record.put(SOURCE, "assumed_utc");
        }
    }

    record Parsed(Instant instant, boolean assumedUtc) {
    }

    /** Null when the value is not a time this class understands or lies outside years 1970–9999. */
    static Parsed parse(JsonNode raw) {
        Parsed p;
        if (raw.isNumber()) {
            p = fromEpoch(raw.decimalValue());
        } else if (raw.isTextual()) {
            p = fromText(raw.textValue().trim());
        } else {
            p = null;
        }
        if (p == null || p.instant.isBefore(MIN) || p.instant.isAfter(MAX)) {
            return null;
        }
        return p;
    }

    private static Parsed fromText(String s) {
        if (s.isEmpty()) {
            return null;
        }
        if (s.length() > 20 && s.charAt(19) == ',' && s.charAt(10) == ' ') {
            s = s.substring(0, 19) + '.' + s.substring(20); // Python logging's asctime: "2024-03-05 14:07:09,123"
        }
        if (s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.') && s.indexOf('.') == s.lastIndexOf('.')) {
            try {
                return fromEpoch(new BigDecimal(s));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        for (DateTimeFormatter f : WITH_OFFSET) {
            try {
                return new Parsed(OffsetDateTime.parse(s, f).toInstant(), false);
            } catch (DateTimeException ignored) {
                // next form
            }
        }
        try {
            return new Parsed(LocalDateTime.parse(s, LOCAL).toInstant(ZoneOffset.UTC), true);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** Magnitude picks the unit: seconds below 1e11 (until year 5138), then millis, micros, nanos. */
    private static Parsed fromEpoch(BigDecimal v) {
        if (v.signum() < 0) {
            return null;
        }
        BigDecimal nanos;
        if (v.compareTo(BigDecimal.valueOf(100_000_000_000L)) < 0) {
            nanos = v.movePointRight(9);
        } else if (v.compareTo(BigDecimal.valueOf(100_000_000_000_000L)) < 0) {
            nanos = v.movePointRight(6);
        } else if (v.compareTo(new BigDecimal("1e17")) < 0) {
            nanos = v.movePointRight(3);
        } else {
            nanos = v;
        }
        try {
            long n = nanos.toBigInteger().longValueExact();
            return new Parsed(Instant.ofEpochSecond(0, n), false);
        } catch (ArithmeticException e) {
            return null;
        }
    }

    static String format(Instant t) {
        if (t.getNano() % 1_000_000 == 0) {
            return MILLIS.format(t);
        }
        return DateTimeFormatter.ISO_INSTANT.format(t);
    }
}
