package io.fabstir.enrichers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class TimestampsTest {

    private static final Instant INGEST = Instant.parse("2026-11-24T07:00:00.123Z");

    private static LogRecord normalise(String json) {
        LogRecord r = LogRecord.parse(json);
        new Timestamps().enrich(r, new RecordOrigin("f", "p", 0, INGEST));
        return r;
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"2026-11-24T12:30:00+05:30\"      | 2026-11-24T07:00:00.000Z",
        "\"2026-11-24T12:30:00.5+0530\"     | 2026-11-24T07:00:00.500Z",
        "\"2026-11-24 07:00:00Z\"           | 2026-11-24T07:00:00.000Z",
        "\"2026-11-24T02:00:00.123456-05\"  | 2026-11-24T07:00:00.123456Z",
        "1795503600123                      | 2026-11-24T07:00:00.123Z",
        "\"1795503600123\"                  | 2026-11-24T07:00:00.123Z",
        "1795503600.5                       | 2026-11-24T07:00:00.500Z",
        "1795503600123456                   | 2026-11-24T07:00:00.123456Z",
    })
    void rewritesAcceptedFormsAsUtcWithAtLeastMillis(String raw, String expected) {
        LogRecord r = normalise("{\"@timestamp\":" + raw.trim() + "}");
        assertThat(r.text("@timestamp")).isEqualTo(expected);
        assertThat(r.has(Timestamps.SOURCE)).isFalse();
    }

    @Test
    void canonicalFormIsKeptAndImpossibleDatesAreNot() {
        assertThat(CanonicalTimestamp.is("2026-11-24T07:00:00.123Z")).isTrue();
        assertThat(CanonicalTimestamp.is("2026-02-30T07:00:00.123Z")).isFalse();
        assertThat(CanonicalTimestamp.is("2026-11-24T24:00:00.123Z")).isFalse();
        assertThat(CanonicalTimestamp.is("2026-11-24T07:00:00.123+")).isFalse();
        LogRecord r = normalise("{\"@timestamp\":\"2026-02-30T07:00:00.123Z\"}");
        assertThat(r.text(Timestamps.SOURCE)).isEqualTo("ingest");
    }

    @Test
    void canonicalFormIsReadByHandToTheSameInstantAsTheJdkParser() {
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 2_000; i++) {
            Instant t = Instant.ofEpochMilli((long) (random.nextDouble() * 253_402_300_799_999L));
            String s = Timestamps.format(t);
            assertThat(CanonicalTimestamp.parse(s)).as(s).isEqualTo(Instant.parse(s));
        }
        assertThat(CanonicalTimestamp.parse("2028-02-29T23:59:59.999Z")).isEqualTo(Instant.parse("2028-02-29T23:59:59.999Z"));
        assertThat(CanonicalTimestamp.parse("2026-02-29T00:00:00.000Z")).isNull();
        assertThat(CanonicalTimestamp.parse("2026-11-24T07:00:00.123+05:30")).isNull();
    }

    @Test
    void theEncodersMicrosecondFormIsCanonicalTooAndKeptAsItIs() {
        assertThat(CanonicalTimestamp.is("2026-11-24T07:00:00.123456Z")).isTrue();
        assertThat(CanonicalTimestamp.parse("2026-11-24T07:00:00.123456Z"))
                .isEqualTo(Instant.parse("2026-11-24T07:00:00.123456Z"));
        assertThat(CanonicalTimestamp.is("2026-11-24T07:00:00.1234Z")).isFalse();
        assertThat(CanonicalTimestamp.is("2026-11-24T07:00:00.12345xZ")).isFalse();
        assertThat(CanonicalTimestamp.is("2026-02-30T07:00:00.123456Z")).isFalse();
        java.util.Random random = new java.util.Random(11);
        for (int i = 0; i < 2_000; i++) {
            Instant t = Instant.ofEpochSecond((long) (random.nextDouble() * 253_402_300_799L), random.nextInt(1_000_000) * 1_000L);
            String s = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
                    .withZone(java.time.ZoneOffset.UTC).format(t);
            assertThat(CanonicalTimestamp.parse(s)).as(s).isEqualTo(t);
        }
        LogRecord r = normalise("{\"@timestamp\":\"2026-11-24T07:00:00.123456Z\"}");
        assertThat(r.text("@timestamp")).isEqualTo("2026-11-24T07:00:00.123456Z");
        assertThat(r.has(Timestamps.SOURCE)).isFalse();
    }

    @Test
    void aTimeWithoutZoneIsReadAsUtcAndMarked() {
        LogRecord r = normalise("{\"@timestamp\":\"2026-11-24T07:00:00\"}");
        assertThat(r.text("@timestamp")).isEqualTo("2026-11-24T07:00:00.000Z");
        assertThat(r.text(Timestamps.SOURCE)).isEqualTo("assumed_utc");
    }

    @Test
    void pythonLoggingsAsctimeWithACommaBeforeTheMillisIsReadAsUtcAndMarked() {
        LogRecord r = normalise("{\"@timestamp\":\"2026-11-24 07:00:00,123\"}");
        assertThat(r.text("@timestamp")).isEqualTo("2026-11-24T07:00:00.123Z");
        assertThat(r.text(Timestamps.SOURCE)).isEqualTo("assumed_utc");
    }

    @Test
    void missingTimestampBecomesIngestTimeAndIsMarked() {
        LogRecord r = normalise("{\"message\":\"x\"}");
        assertThat(r.text("@timestamp")).isEqualTo("2026-11-24T07:00:00.123Z");
        assertThat(r.text(Timestamps.SOURCE)).isEqualTo("ingest");
    }

    @Test
    void unusableTimestampBecomesIngestTimeAndKeepsTheOriginal() {
        for (String bad : new String[] {"\"yesterday\"", "true", "-5", "\"99999-01-01T00:00:00Z\"", "{\"a\":1}"}) {
            LogRecord r = normalise("{\"@timestamp\":" + bad + "}");
            assertThat(r.text("@timestamp")).as(bad).isEqualTo("2026-11-24T07:00:00.123Z");
            assertThat(r.text(Timestamps.SOURCE)).isEqualTo("ingest");
            assertThat(r.has(Timestamps.ORIGINAL)).isTrue();
        }
    }

    @Test
    void nestedTimestampIsNotConfusedWithTheTopLevelOne() {
        LogRecord r = normalise("{\"event\":{\"created\":\"x\"},\"@timestamp\":\"2026-11-24T07:00:00.001Z\"}");
        assertThat(r.text("@timestamp")).isEqualTo("2026-11-24T07:00:00.001Z");
    }
}
