package io.fabstir.enrichers.format;

import io.fabstir.enrichers.EnricherChain;
import io.fabstir.enrichers.LogRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

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

    @Test
    void builtInFormatsAreTriedInTheDocumentedOrder() {
        assertThat(FormatMapper.builtinNames()).containsExactly("logstash", "bunyan", "pino", "zap", "slog",
                "python-json-logger", "structlog", "winston");
    }
}
