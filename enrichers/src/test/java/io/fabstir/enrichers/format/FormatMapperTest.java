package io.fabstir.enrichers.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.enrichers.EnricherChain;
import io.fabstir.enrichers.LogRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FormatMapperTest {
    /** A line as the Fabstir encoder writes it (otel-bootstrap FabstirJsonEncoder). */
    static final String ENCODER_LINE = "{\"@timestamp\":\"2026-11-24T07:00:00.123456Z\",\"log.level\":\"INFO\","
            + "\"message\":\"Job j-1 completed\",\"log.logger\":\"io.fabstir.node.JobRunner\","
            + "\"process.thread.name\":\"jobs-1\",\"service.name\":\"fabstir-node\",\"service.version\":\"1.4.2\","
            + "\"event.id\":\"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\",\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
            + "\"span.id\":\"00f067aa0ba902b7\",\"event.dataset\":\"fabstir.job\",\"event.action\":\"job.completed\","
            + "\"event.outcome\":\"success\",\"event.duration\":1500000000,\"fabstir.job.id\":\"j-1\","
            + "\"fabstir.job.model\":\"llama\",\"fabstir.job.tokens_used\":812,\"level\":\"a user field\"}";

    private final List<String> counted = new ArrayList<>();
    private final FormatMapper mapper = FormatMapper.builder().counter(counted::add).build();

    @Test
    void theEncodersOwnRecordIsRecognisedAsEcsAndLeftAsItIs() {
        LogRecord r = LogRecord.parse(ENCODER_LINE);
        assertThat(mapper.map(r)).isEqualTo(FormatMapper.ECS);
        assertThat(r.json()).isEqualTo(LogRecord.parse(ENCODER_LINE).json());
        assertThat(counted).isEmpty();
    }

    @Test
    void aNestedEcsRecordIsRecognisedAsEcsToo() {
        String line = "{\"@timestamp\":\"2026-11-24T07:00:00.123Z\",\"log\":{\"level\":\"warn\",\"logger\":\"app\"},"
                + "\"message\":\"m\",\"ecs.version\":\"8.10.0\",\"msg\":\"not ours to move\"}";
        LogRecord r = LogRecord.parse(line);
        assertThat(mapper.map(r)).isEqualTo(FormatMapper.ECS);
        assertThat(r.json()).isEqualTo(LogRecord.parse(line).json());
    }

    @Test
    void aRecordMatchingNoFormatPassesThroughUntouched() {
        String line = "{\"foo\":\"bar\",\"count\":3,\"nested\":{\"level\":\"info\"}}";
        LogRecord r = LogRecord.parse(line);
        assertThat(mapper.map(r)).isNull();
        assertThat(r.json()).isEqualTo(LogRecord.parse(line).json());
        assertThat(counted).isEmpty();
    }

    @Test
    void aRecordWithNoLevelLevelnameOrVersionIsPassedOverAfterThreeLookUps() {
        assertThat(mapper.builtinGate()).containsExactly("level", "@version", "levelname");
    }

    @Test
    void aLevelAloneIsNotEnoughToGuessAFormat() {
        String line = "{\"level\":\"info\",\"payload\":{\"a\":1}}";
        LogRecord r = LogRecord.parse(line);
        assertThat(mapper.map(r)).isNull();
        assertThat(r.json()).isEqualTo(LogRecord.parse(line).json());
    }

    @Test
    void theEdgesWrapOfAnUnparsedLinePassesThroughUntouched() {
        String line = "{\"message\":\"plain text line\",\"event.dataset\":\"fabstir.unparsed\","
                + "\"fabstir.parse_error\":\"not JSON\",\"log.file.path\":\"/logs/a.log\",\"log.offset\":0}";
        LogRecord r = LogRecord.parse(line);
        assertThat(mapper.map(r)).isNull();
        assertThat(r.json()).isEqualTo(LogRecord.parse(line).json());
    }

    @Test
    void aMoveNeverOverwritesAndLeavesItsSourceWhereItIs() {
        LogRecord r = LogRecord.parse("{\"level\":30,\"time\":1531171074631,\"msg\":\"pino's\",\"message\":\"mine\"}");
        assertThat(mapper.map(r)).isEqualTo("pino");
        assertThat(r.text("message")).isEqualTo("mine");
        assertThat(r.text("msg")).isEqualTo("pino's");
        assertThat(r.get(FormatMapper.ORIGINAL).has("msg")).isFalse();
    }

    @Test
    void aRecordsOwnDatasetIsKept() {
        LogRecord r = LogRecord.parse("{\"level\":\"info\",\"message\":\"m\",\"event.dataset\":\"billing.app\"}");
        mapper.map(r);
        assertThat(r.text("event.dataset")).isEqualTo("billing.app");
    }

    @Test
    void aDurationThatIsNotANumberStaysWhereItIs() {
        LogRecord r = LogRecord.parse("{\"level\":\"info\",\"message\":\"m\",\"duration\":\"fast\"}");
        mapper.map(r);
        assertThat(r.text("duration")).isEqualTo("fast");
        assertThat(r.has("event.duration")).isFalse();
    }

    @Test
    void aDurationTooLargeForNanosecondsStaysWhereItIs() {
        LogRecord r = LogRecord.parse("{\"level\":\"info\",\"message\":\"m\",\"duration\":1e308}");
        mapper.map(r);
        assertThat(r.has("event.duration")).isFalse();
        assertThat(r.get("duration").doubleValue()).isEqualTo(1e308);
    }

    @Test
    void aJobRecordWithAnErrorAndNoEventFailed() {
        LogRecord r = LogRecord.parse("{\"level\":\"error\",\"message\":\"Job processing failed\",\"jobId\":\"j-1\","
                + "\"error\":\"boom\"}");
        mapper.map(r);
        assertThat(r.text("event.dataset")).isEqualTo("fabstir.job");
        assertThat(r.text("event.outcome")).isEqualTo("failure");
    }

    @Test
    void anEventThatIsNotTheGuidesIsTheAction() {
        LogRecord r = LogRecord.parse("{\"level\":\"info\",\"message\":\"m\",\"event\":\"peer.connected\"}");
        mapper.map(r);
        assertThat(r.text("event.action")).isEqualTo("peer.connected");
        assertThat(r.text("event.dataset")).isEqualTo("fabstir.app");
    }

    @Test
    void theCounterIsToldOfEachMappedRecordsFormat() {
        mapper.map(LogRecord.parse("{\"level\":30,\"time\":1531171074631,\"msg\":\"a\"}"));
        mapper.map(LogRecord.parse("{\"level\":\"info\",\"ts\":1.5e9,\"msg\":\"b\"}"));
        assertThat(counted).containsExactly("pino", "zap");
    }

    @Test
    void withKeepOriginalsOffNoOriginalIsWritten() {
        FormatMapper lean = FormatMapper.builder().config(new FormatConfig(null, false, null, null)).build();
        LogRecord r = LogRecord.parse("{\"level\":30,\"time\":1531171074631,\"msg\":\"a\"}");
        assertThat(lean.map(r)).isEqualTo("pino");
        assertThat(r.has(FormatMapper.ORIGINAL)).isFalse();
        assertThat(r.text("message")).isEqualTo("a");
    }

    @Test
    void disabledMapsNothing() {
        FormatMapper off = FormatMapper.builder().config(new FormatConfig(false, null, null, null)).build();
        String line = "{\"level\":30,\"time\":1531171074631,\"msg\":\"a\"}";
        LogRecord r = LogRecord.parse(line);
        assertThat(off.map(r)).isNull();
        assertThat(r.json()).isEqualTo(LogRecord.parse(line).json());
    }

    @Test
    void aSecretInAMovedValueIsMaskedInItsOriginalToo() {
        LogRecord r = LogRecord.parse("{\"level\":\"error\",\"message\":\"login failed\","
                + "\"error\":\"bad credentials password=hunter2secret\",\"password\":\"hunter2secret\"}");
        EnricherChain.builder().formats(mapper).build().enrich(r, Fixtures.ORIGIN);
        assertThat(r.toJson()).doesNotContain("hunter2secret");
        assertThat(r.get(FormatMapper.ORIGINAL).has("error")).isTrue();
    }

    /**
     * Every fixture line with each of its fields replaced in turn by an odd value (null, empty, containers, huge or
     * negative numbers, a long string): mapping never throws, and every field of the line is still in the record,
     * where it was or under {@code fabstir.original}, with its value.
     */
    @Test
    void oddValuesUnderEveryKnownFieldNeverThrowAndLoseNothing() {
        String[] odd = {"null", "\"\"", "[]", "{}", "[1,{\"a\":2}]", "{\"x\":{\"y\":1}}", "1e308", "-1",
            "true", "\"" + "x".repeat(10_000) + "\"", "99999999999999999999999"};
        int checked = 0;
        for (String format : FormatMapper.builtinNames()) {
            for (Fixtures.Case c : Fixtures.load(format)) {
                ObjectNode base = LogRecord.parse(c.line()).json();
                for (Iterator<String> names = base.fieldNames(); names.hasNext(); ) {
                    String field = names.next();
                    for (String value : odd) {
                        ObjectNode line = base.deepCopy();
                        line.set(field, LogRecord.parse("{\"v\":" + value + "}").json().get("v"));
                        LogRecord r = LogRecord.of(line.deepCopy());
                        mapper.map(r);
                        assertKept(line, r, c + " with " + field + "=" + value.substring(0, Math.min(20,
                                value.length())));
                        checked++;
                    }
                }
            }
        }
        assertThat(checked).isGreaterThan(1000);
    }

    private static void assertKept(ObjectNode line, LogRecord r, String what) {
        JsonNode originals = r.json().get(FormatMapper.ORIGINAL);
        for (Iterator<Map.Entry<String, JsonNode>> it = line.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode now = r.json().get(e.getKey());
            JsonNode kept = originals == null ? null : originals.get(e.getKey());
            assertThat(e.getValue().equals(now) || e.getValue().equals(kept))
                    .as("%s: %s kept in %s", what, e.getKey(), r).isTrue();
        }
    }

    @Test
    void builtInFormatsAreTriedInTheDocumentedOrder() {
        assertThat(FormatMapper.builtinNames()).containsExactly("logstash", "bunyan", "pino", "zap", "slog",
                "python-json-logger", "structlog", "winston");
    }
}
