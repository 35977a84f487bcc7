package io.fabstir.otel.logging;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.enrichers.redact.SecretCorpus;
import io.fabstir.enrichers.redact.SecretCorpus.LookAlike;
import io.fabstir.enrichers.redact.SecretCorpus.Secret;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.fabstir.otel.logging.LogField.kv;
import static org.assertj.core.api.Assertions.assertThat;

/** The in-app encoder against the secret corpus: message, MDC, structured arguments (nested maps, lists), errors. */
class EncoderRedactionCorpusTest {

    static List<Secret> secrets() {
        return SecretCorpus.secrets();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void theSecretIsMaskedInTheMessageMdcNestedArgumentsListsAndErrors(Secret secret) {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            MDC.put(secret.name() == null ? "alert_target" : secret.name(), secret.value());
            try {
                for (int variant = 0; variant < 3; variant++) {
                    log.logger("corpus").error(SecretCorpus.inMessage(secret, variant),
                            kv("fabstir.alerting", SecretCorpus.nestedMap(secret)),
                            kv("fabstir.channels", SecretCorpus.list(secret)),
                            kv("fabstir.channel_array", SecretCorpus.list(secret).toArray()),
                            new IllegalStateException("delivery failed: " + SecretCorpus.inMessage(secret, variant),
                                    new RuntimeException(SecretCorpus.inMessage(secret, variant + 1))));
                }
            } finally {
                MDC.clear();
            }
            assertThat(log.records()).hasSize(3);
            String leaked = SecretCorpus.leak(secret, log.raw());
            assertThat(leaked).as("leaked into %s", leaked == null ? "" : log.raw().lines()
                    .filter(l -> l.contains(leaked)).findFirst().orElse("")).isNull();
        }
    }

    @Test
    void lookAlikesSurviveUnchangedAsArgumentsNestedValuesAndMdc() {
        Map<String, Object> details = new LinkedHashMap<>();
        for (LookAlike l : SecretCorpus.lookAlikes()) {
            details.put(l.name(), l.value());
        }
        try (CapturedLog log = new CapturedLog(e -> { })) {
            MDC.put("fabstir.job.model", "llama-3-8b-instruct");
            try {
                Object[] args = new Object[details.size() + 1];
                int i = 0;
                for (Map.Entry<String, Object> d : details.entrySet()) {
                    args[i++] = kv("top." + d.getKey(), d.getValue());
                }
                args[i] = kv("details", details);
                log.logger("corpus").info("job finished", args);
            } finally {
                MDC.clear();
            }
            JsonNode r = log.only();
            assertThat(SecretCorpus.damagedLookAlikes(r.get("details"))).isEmpty();
            for (LookAlike l : SecretCorpus.lookAlikes()) {
                assertThat(r.get("top." + l.name())).as(l.name()).isEqualTo(CapturedLog.JSON.valueToTree(l.value()));
            }
        }
    }
}
