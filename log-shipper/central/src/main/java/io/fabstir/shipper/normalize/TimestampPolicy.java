package io.fabstir.shipper.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.enrichers.CanonicalTimestamp;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * The timestamp policy, one for every sink: which {@code @timestamp} forms are read (the edge's canonical form, ISO
 * with an offset, zone-less ISO as UTC, epoch milliseconds as a number or digits, as Elasticsearch reads them), the
 * window a timestamp must fall in around the record's Kafka timestamp, and the ingest time a record falls back to.
 */
final class TimestampPolicy {
    private final Duration maxPast;
    private final Duration maxFuture;
    private final Clock clock;

    TimestampPolicy(Duration maxPast, Duration maxFuture, Clock clock) {
        this.maxPast = maxPast;
        this.maxFuture = maxFuture;
        this.clock = clock;
    }

    /**
     * The document's {@code @timestamp}; a missing, unparsable or out-of-window one becomes {@code reference} (the
     * original kept in {@code fabstir.original_timestamp}, the repair named in {@code repairs}).
     */
    Instant repair(ObjectNode doc, List<String> repairs, Instant reference) {
        JsonNode raw = doc.get("@timestamp");
        String problem;
        Instant parsed = null;
        if (raw == null || raw.isNull()) {
            problem = "missing";
        } else {
            parsed = parseInstant(raw);
            if (parsed == null) {
                problem = "unparsable";
            } else if (!inWindow(parsed, reference)) {
                problem = "out_of_range";
            } else {
                return parsed; // Elasticsearch's default date format reads the same forms (ISO, epoch millis)
            }
        }
        if (raw != null && !raw.isNull()) {
            doc.put(RecordNormalizer.ORIGINAL_TIMESTAMP, raw.isTextual() ? raw.asText() : raw.toString());
        }
        doc.put("@timestamp", reference.toString());
        repairs.add("timestamp:" + problem);
        return reference;
    }

    boolean inWindow(Instant t, Instant reference) {
        return !t.isBefore(reference.minus(maxPast)) && !t.isAfter(reference.plus(maxFuture));
    }

    /**
     * When a record entered the pipeline: its Kafka timestamp, or the clock's now for a record without a plausible
     * one. Fixed for every redelivery of the record, so whatever is derived from it is too.
     */
    Instant reference(long recordTimestampMs) {
        Instant now = clock.instant();
        if (recordTimestampMs < 0) {
            return now;
        }
        Instant t = Instant.ofEpochMilli(recordTimestampMs);
        return inWindow(t, now) ? t : now;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static Instant parseInstant(JsonNode raw) {
        try {
            if (raw.isIntegralNumber()) {
                return Instant.ofEpochMilli(raw.asLong());
            }
            if (!raw.isTextual()) {
                return null;
            }
            String s = raw.asText().trim();
            if (s.isEmpty()) {
                return null;
            }
            Instant canonical = CanonicalTimestamp.parse(s);
            if (canonical != null) {
                return canonical;
            }
            if (s.length() <= 15 && allDigits(s)) {
                return Instant.ofEpochMilli(Long.parseLong(s));
            }
            try {
                return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeException e) {
                // Elasticsearch reads a zone-less date-time as UTC; do the same.
                return LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeException | NumberFormatException | ArithmeticException e) {
            return null;
        }
    }
}
