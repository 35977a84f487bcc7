package io.fabstir.enrichers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.enrichers.redact.SecretCorpus;
import io.fabstir.enrichers.redact.SecretCorpus.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The edge's enricher chain (as {@code tail} builds it) against the secret corpus. */
class EdgeRedactionCorpusTest {

    private static final RecordOrigin ORIGIN = new RecordOrigin("2049:1234:abcd", "/logs/a.json", 0,
            Instant.parse("2026-12-04T21:00:00Z"));
    private static final EnricherChain CHAIN = EnricherChain.builder().hostName("gpu-host-1").nodeId("node-7").build();

    static List<Secret> secrets() {
        return SecretCorpus.secrets();
    }

    @Test
    void theCorpusHasMoreThanFortySecretShapes() {
        assertThat(SecretCorpus.secrets()).hasSizeGreaterThanOrEqualTo(40);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void theSecretIsMaskedInTheMessageNestedFieldsAndArraysInEveryMessageForm(Secret secret) {
        for (int variant = 0; variant < 3; variant++) {
            LogRecord r = LogRecord.of(SecretCorpus.record(secret, variant));
            CHAIN.enrich(r, ORIGIN);
            String out = r.toJson();
            assertThat(SecretCorpus.leak(secret, out)).as("leaked from %s", out).isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void lookAlikesNextToTheSecretSurviveUnchanged(Secret secret) {
        ObjectNode json = SecretCorpus.record(secret, 0);
        CHAIN.enrich(LogRecord.of(json), ORIGIN);
        assertThat(SecretCorpus.damagedLookAlikes(json.get("details"))).isEmpty();
        assertThat(json.get("event.id").asText()).isEqualTo("corpus-0");
    }

    @Test
    void maskingIsStableWhenTheEdgeSeesAlreadyMaskedRecords() {
        for (Secret secret : SecretCorpus.secrets()) {
            LogRecord r = LogRecord.of(SecretCorpus.record(secret, 1));
            CHAIN.enrich(r, ORIGIN);
            String once = r.toJson();
            CHAIN.enrich(r, ORIGIN);
            assertThat(r.toJson()).as(secret.family()).isEqualTo(once);
        }
    }
}
