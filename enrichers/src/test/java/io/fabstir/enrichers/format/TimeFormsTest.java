package io.fabstir.enrichers.format;

import io.fabstir.enrichers.LogRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every time key the formats use ({@code timestamp}, {@code time}, {@code ts}, {@code @timestamp}) in every form
 * those libraries write lands as the contract's UTC {@code @timestamp}. Epoch numbers pick their unit by magnitude:
 * below 1e11 seconds, below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds.
 */
class TimeFormsTest {

    /** A record of a format that reads each time key, with the value spliced in. */
    private static final String[][] KEYS = {
        {"timestamp", "{\"level\":\"info\",\"message\":\"m\",\"timestamp\":%s}"},          // winston
        {"time", "{\"level\":30,\"msg\":\"m\",\"time\":%s}"},                               // pino
        {"ts", "{\"level\":\"info\",\"msg\":\"m\",\"ts\":%s}"},                             // zap
        {"@timestamp", "{\"@timestamp\":%s,\"@version\":\"1\",\"level\":\"INFO\",\"message\":\"m\"}"}, // logstash
    };

    /** The same instant, 2024-11-24T08:00:00.123Z, as the libraries write it. */
    private static final String[][] FORMS = {
        {"ISO, Z", "\"2024-11-24T08:00:00.123Z\"", "2024-11-24T08:00:00.123Z"},
        {"ISO, +00:00", "\"2024-11-24T08:00:00.123+00:00\"", "2024-11-24T08:00:00.123Z"},
        {"ISO, +0000", "\"2024-11-24T08:00:00.123+0000\"", "2024-11-24T08:00:00.123Z"},
        {"ISO, +00", "\"2024-11-24T08:00:00.123+00\"", "2024-11-24T08:00:00.123Z"},
        {"ISO, -05:00", "\"2024-11-24T03:00:00.123-05:00\"", "2024-11-24T08:00:00.123Z"},
        {"ISO, +0530", "\"2024-11-24T13:30:00.123+0530\"", "2024-11-24T08:00:00.123Z"},
        {"ISO, nanoseconds", "\"2024-11-24T08:00:00.123000000Z\"", "2024-11-24T08:00:00.123Z"},
        {"ISO, space", "\"2024-11-24 08:00:00.123Z\"", "2024-11-24T08:00:00.123Z"},
        {"epoch seconds", "1732435200", "2024-11-24T08:00:00.000Z"},
        {"epoch seconds, fraction", "1732435200.123", "2024-11-24T08:00:00.123Z"},
        {"epoch milliseconds", "1732435200123", "2024-11-24T08:00:00.123Z"},
        {"epoch milliseconds, fraction", "1732435200123.5", "2024-11-24T08:00:00.123500Z"},
        {"epoch microseconds", "1732435200123000", "2024-11-24T08:00:00.123Z"},
        {"epoch nanoseconds", "1732435200123000000", "2024-11-24T08:00:00.123Z"},
        {"epoch seconds, string", "\"1732435200\"", "2024-11-24T08:00:00.000Z"},
        {"epoch seconds, fraction, string", "\"1732435200.123\"", "2024-11-24T08:00:00.123Z"},
        {"epoch milliseconds, string", "\"1732435200123\"", "2024-11-24T08:00:00.123Z"},
        {"epoch microseconds, string", "\"1732435200123000\"", "2024-11-24T08:00:00.123Z"},
        {"epoch nanoseconds, string", "\"1732435200123000000\"", "2024-11-24T08:00:00.123Z"},
    };

    static Stream<Arguments> forms() {
        List<Arguments> out = new ArrayList<>();
        for (String[] key : KEYS) {
            for (String[] form : FORMS) {
                out.add(Arguments.of(key[0], form[0], String.format(key[1], form[1]), form[2]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("forms")
    void landsAsTheContractsUtcTimestamp(String key, String form, String line, String expected) {
        LogRecord r = Fixtures.enrich(FormatMapper.defaults(), line);
        assertThat(r.text("@timestamp")).as(r.toJson()).isEqualTo(expected);
        assertThat(r.has("fabstir.timestamp_source")).as(r.toJson()).isFalse();
        if (!key.equals("@timestamp")) {
            assertThat(r.get(FormatMapper.ORIGINAL).get(key)).as("original kept").isNotNull();
        }
    }
}
