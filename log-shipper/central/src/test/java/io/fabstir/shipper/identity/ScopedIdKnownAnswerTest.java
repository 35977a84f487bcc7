package io.fabstir.shipper.identity;

import io.fabstir.shipper.normalize.Normalized;
import io.fabstir.shipper.normalize.RecordNormalizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact stored ids and content hash, as known answers (computed apart from this code: SHA-256 over the parts
 * joined by zero bytes, UUIDv8 bits set; the hash over the record's bytes without the {@code log.file.path} member).
 * The node-scoped ids replaced the bare {@code event.id} on purpose (issue 21): changing any of these values changes
 * every stored {@code _id}, so a re-delivery after an upgrade would be stored twice.
 */
class ScopedIdKnownAnswerTest {
    private static final String RECORD = "{\"@timestamp\":\"2026-01-02T03:04:05.678Z\",\"log.level\":\"INFO\","
            + "\"message\":\"job done\",\"event.id\":\"e-1\",\"fabstir.node_id\":\"node-7\","
            + "\"log.file.path\":\"/var/log/fabstir/app.json\",\"log.offset\":42}";

    @Test
    void documentIdIsScopedByNode() {
        assertThat(ScopedIds.document("node-7", "e-1")).isEqualTo("c378ada4-0430-8803-9dc1-5e41bc186001");
    }

    @Test
    void reusedIdIsDerivedFromTheContentHash() {
        assertThat(ScopedIds.reused("node-7", "e-1", "0cbd4f8c935df772d1c1cf176f68b2d2"))
                .isEqualTo("f5bf8073-ac9f-8364-b92e-2cfc4bbccced");
    }

    @Test
    void contentHashLeavesOutTheFilePath() {
        assertThat(ContentScan.of(bytes(RECORD), true).hash).isEqualTo("0cbd4f8c935df772d1c1cf176f68b2d2");
    }

    @Test
    void contentHashLeavesOutAnIngestTimestampAndTheFilePath() {
        String line = "{\"@timestamp\":\"2026-01-02T03:04:05.678Z\",\"fabstir.timestamp_source\":\"ingest\","
                + "\"message\":\"plain text line\",\"event.id\":\"d-1\",\"log.file.path\":\"/a\",\"log.offset\":0}";
        assertThat(ContentScan.of(bytes(line), true).hash).isEqualTo("37fa7bc53456458c60254bc5965e892d");
    }

    @Test
    void theWholeTransformStoresARecordUnderItsScopedId() {
        Normalized.Document d = identify("fabstir.logs.node-7", RECORD);
        assertThat(d.id()).isEqualTo("c378ada4-0430-8803-9dc1-5e41bc186001");
        assertThat(d.identity().reuseId()).isEqualTo("f5bf8073-ac9f-8364-b92e-2cfc4bbccced");
    }

    @Test
    void anEventIdDerivedFromTheKafkaPositionIsScopedToo() {
        Normalized.Document d = identify("fabstir.logs.node-7",
                "{\"@timestamp\":\"2026-01-02T03:04:05.678Z\",\"message\":\"m\"}");
        assertThat(d.identity().eventId()).isEqualTo("kafka-fabstir.logs.node-7-3-42");
        assertThat(d.id()).isEqualTo("fb58d259-056f-84de-bbb2-9e6f379f8140");
    }

    private static Normalized.Document identify(String topic, String value) {
        byte[] v = bytes(value);
        Normalized n = RecordNormalizer.defaults().normalize(v, topic, 3, 42, 1_767_323_045_678L);
        return (Normalized.Document) Provenance.nodeTopics(NodeTopics.of("fabstir.logs.", null))
                .apply(topic, null, v, (Normalized.Document) n);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
