package io.fabstir.enrichers;

import io.fabstir.enrichers.format.FormatMapper;
import io.fabstir.enrichers.redact.Redactor;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EnricherChainTest {

    private static final RecordOrigin ORIGIN = new RecordOrigin("2049:1234:abcd", "/logs/a.json", 4096,
            Instant.parse("2026-11-24T07:00:00Z"));

    private static EnricherChain chain() {
        return EnricherChain.builder().hostName("gpu-host-1").nodeId("node-7").environment("production")
                .staticFields(Map.of("labels.region", "eu-west")).build();
    }

    @Test
    void addsEdgeFieldsWhereTheRecordHasNone() {
        LogRecord r = LogRecord.parse("{\"message\":\"hi\",\"deployment\":{\"environment\":\"staging\"}}");
        chain().enrich(r, ORIGIN);
        assertThat(r.text("host.name")).isEqualTo("gpu-host-1");
        assertThat(r.text("fabstir.node_id")).isEqualTo("node-7");
        assertThat(r.text("labels.region")).isEqualTo("eu-west");
        assertThat(r.text("deployment.environment")).as("the record's own value wins").isEqualTo("staging");
    }

    @Test
    void formatMappingRunsFirstSoTheTimestampItMovedIsNormalised() {
        LogRecord r = LogRecord.parse("{\"level\":30,\"time\":1795503600123,\"msg\":\"hi\"}");
        EnricherChain.builder().formats(FormatMapper.defaults()).build().enrich(r, ORIGIN);
        assertThat(r.text("@timestamp")).isEqualTo("2026-11-24T07:00:00.123Z");
        assertThat(r.has("fabstir.timestamp_source")).isFalse();
        assertThat(r.text("message")).isEqualTo("hi");
    }

    @Test
    void withoutFormatsARecordShipsAsWritten() {
        LogRecord r = LogRecord.parse("{\"level\":30,\"time\":1795503600123,\"msg\":\"hi\"}");
        chain().enrich(r, ORIGIN);
        assertThat(r.text("msg")).isEqualTo("hi");
        assertThat(r.has("fabstir.format")).isFalse();
        assertThat(r.text("fabstir.timestamp_source")).isEqualTo("ingest");
    }

    @Test
    void keepsTheRecordsOwnEventId() {
        LogRecord r = LogRecord.parse("{\"event.id\":\"01JD0000000000000000000000\"}");
        chain().enrich(r, ORIGIN);
        assertThat(r.text("event.id")).isEqualTo("01JD0000000000000000000000");
        assertThat(r.has("fabstir.event_id_source")).isFalse();
    }

    @Test
    void derivesTheSameEventIdForTheSameHostFileAndOffset() {
        LogRecord a = LogRecord.parse("{\"message\":\"x\"}");
        LogRecord b = LogRecord.parse("{\"message\":\"different content, same position\"}");
        chain().enrich(a, ORIGIN);
        chain().enrich(b, new RecordOrigin(ORIGIN.fileIdentity(), "/logs/a.json.1", 4096, Instant.now()));
        assertThat(a.text("event.id")).isEqualTo(b.text("event.id"));
        UUID id = UUID.fromString(a.text("event.id"));
        assertThat(id.version()).isEqualTo(8);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(a.text("fabstir.event_id_source")).isEqualTo("derived");
    }

    @Test
    void derivedEventIdChangesWithOffsetFileAndHost() {
        UUID base = EventIds.derive("h", "f", 1);
        assertThat(EventIds.derive("h", "f", 2)).isNotEqualTo(base);
        assertThat(EventIds.derive("h", "g", 1)).isNotEqualTo(base);
        assertThat(EventIds.derive("h2", "f", 1)).isNotEqualTo(base);
    }

    @Test
    void redactsSensitiveKeysAtAnyDepthAndSecretsInFreeText() {
        LogRecord r = LogRecord.parse("{\"message\":\"login with password=hunter22 ok\","
                + "\"http\":{\"request\":{\"headers\":{\"X-Api-Key\":\"abc123\"}}},\"user.apiKey\":\"k\"}");
        chain().enrich(r, ORIGIN);
        String json = r.toJson();
        assertThat(json).doesNotContain("hunter22", "abc123", "\"k\"").contains(Redactor.MASK);
    }

    @Test
    void redactionRunsAfterAddedEnrichers() {
        EnricherChain c = EnricherChain.builder().hostName("h")
                .add((rec, origin) -> rec.put("db.password", "s3cret")).build();
        LogRecord r = LogRecord.parse("{}");
        c.enrich(r, ORIGIN);
        assertThat(r.text("db.password")).isEqualTo(Redactor.MASK);
    }

    @Test
    void redactionCanBeSwitchedOff() {
        EnricherChain c = EnricherChain.builder().redactor(Redactor.disabled()).build();
        LogRecord r = LogRecord.parse("{\"password\":\"p\"}");
        c.enrich(r, ORIGIN);
        assertThat(r.text("password")).isEqualTo("p");
    }

    @Test
    void discoversProvidersThroughServiceLoaderWithTheirSettings() {
        EnricherChain c = EnricherChain.builder()
                .discover(getClass().getClassLoader(), Map.of("gpu-model", Map.of("model", "H100"))).build();
        LogRecord r = LogRecord.parse("{}");
        c.enrich(r, ORIGIN);
        assertThat(r.text("labels.gpu_model")).isEqualTo("H100");
    }

    /** Registered in src/test/resources/META-INF/services. */
    public static final class GpuModelProvider implements EnricherProvider {
        @Override
        public String name() {
            return "gpu-model";
        }

        @Override
        public Enricher create(Map<String, String> settings) {
            String model = settings.get("model");
            return model == null ? null : (rec, origin) -> rec.putIfAbsent("labels.gpu_model", model);
        }
    }
}
