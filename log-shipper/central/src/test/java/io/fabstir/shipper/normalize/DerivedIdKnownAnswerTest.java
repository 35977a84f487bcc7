package io.fabstir.shipper.normalize;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact event ids the normaliser derives: from the Kafka position for a record without {@code event.id}, and a
 * SHA-256 for an {@code event.id} longer than Elasticsearch's 512-byte {@code _id}. Known answers. Since issue 21 the
 * stored {@code _id} is this event id scoped by node; {@code ScopedIdKnownAnswerTest} pins that step.
 */
class DerivedIdKnownAnswerTest {
    private final RecordNormalizer normalizer = RecordNormalizer.defaults();

    @Test
    void recordWithoutEventIdIsKeyedByItsKafkaPosition() {
        Normalized n = normalizer.normalize(bytes("{\"message\":\"m\",\"@timestamp\":\"2026-01-01T00:00:00Z\"}"),
                "fabstir.logs", 3, 42, 1_767_225_600_000L);
        assertThat(((Normalized.Document) n).id()).isEqualTo("kafka-fabstir.logs-3-42");
    }

    @Test
    void overLongEventIdIsKeyedByItsSha256() {
        Normalized n = normalizer.normalize(bytes("{\"message\":\"m\",\"@timestamp\":\"2026-01-01T00:00:00Z\","
                + "\"event.id\":\"" + "x".repeat(600) + "\"}"), "fabstir.logs", 0, 0, 1_767_225_600_000L);
        assertThat(((Normalized.Document) n).id())
                .isEqualTo("sha256-5130b33e6b87fbf5316ed9049e98924eb110800bcbaaad8050f642fba6df37c9");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
