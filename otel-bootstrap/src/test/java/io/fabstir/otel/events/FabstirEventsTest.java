package io.fabstir.otel.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.otel.logging.CapturedLog;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FabstirEventsTest {

    @Test
    void jobLifecycleEventsCarryDatasetActionOutcomeDurationAndJobFields() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            Logger logger = log.logger("jobs");
            FabstirEvents.job(logger).started("j-1", "llama-3-8b");
            FabstirEvents.job(logger).completed("j-1", "llama-3-8b", 512, Duration.ofMillis(1500));
            FabstirEvents.job(logger).failed("j-2", "mistral-7b", new IllegalStateException("CUDA OOM"),
                    Duration.ofSeconds(2));
            List<JsonNode> r = log.records();

            assertThat(r.get(0).get("event.dataset").asText()).isEqualTo("fabstir.job");
            assertThat(r.get(0).get("event.action").asText()).isEqualTo("job.started");
            assertThat(r.get(0).get("event.outcome").asText()).isEqualTo("unknown");
            assertThat(r.get(0).get("fabstir.job.id").asText()).isEqualTo("j-1");
            assertThat(r.get(0).get("fabstir.job.model").asText()).isEqualTo("llama-3-8b");

            assertThat(r.get(1).get("event.action").asText()).isEqualTo("job.completed");
            assertThat(r.get(1).get("event.outcome").asText()).isEqualTo("success");
            assertThat(r.get(1).get("event.duration").asLong()).isEqualTo(1_500_000_000L);
            assertThat(r.get(1).get("fabstir.job.tokens_used").asLong()).isEqualTo(512);
            assertThat(r.get(1).get("log.level").asText()).isEqualTo("INFO");

            assertThat(r.get(2).get("event.action").asText()).isEqualTo("job.failed");
            assertThat(r.get(2).get("event.outcome").asText()).isEqualTo("failure");
            assertThat(r.get(2).get("log.level").asText()).isEqualTo("ERROR");
            assertThat(r.get(2).get("event.duration").asLong()).isEqualTo(2_000_000_000L);
            assertThat(r.get(2).get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
            assertThat(r.get(2).get("error.message").asText()).isEqualTo("CUDA OOM");
        }
    }

    @Test
    void auditEventsCarryUserAndDetailsAndMaskSecretDetails() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            Logger logger = log.logger("audit");
            FabstirEvents.audit(logger).action("stake.withdraw", "0xabc",
                    Map.of("amount_eth", 1.5, "private_key", "deadbeef"));
            FabstirEvents.audit(logger).denied("model.deploy", "0xdef", "not staked", Map.of());
            List<JsonNode> r = log.records();
            assertThat(r.get(0).get("event.dataset").asText()).isEqualTo("fabstir.audit");
            assertThat(r.get(0).get("event.action").asText()).isEqualTo("stake.withdraw");
            assertThat(r.get(0).get("event.outcome").asText()).isEqualTo("success");
            assertThat(r.get(0).get("user.id").asText()).isEqualTo("0xabc");
            assertThat(r.get(0).get("fabstir.audit.amount_eth").asDouble()).isEqualTo(1.5);
            assertThat(r.get(0).get("fabstir.audit.private_key").asText()).isEqualTo("[REDACTED]");
            assertThat(r.get(1).get("event.outcome").asText()).isEqualTo("failure");
            assertThat(r.get(1).get("log.level").asText()).isEqualTo("WARN");
            assertThat(r.get(1).get("fabstir.audit.reason").asText()).isEqualTo("not staked");
        }
    }

    @Test
    void perfMeasureLogsDurationAndLabelsAndWarnsWhenSlowerThanTheThreshold() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            Logger logger = log.logger("perf");
            String result = FabstirEvents.perf(logger).label("gpu", "0").measure("db.query", () -> "rows");
            FabstirEvents.perf(logger).slowerThan(Duration.ofMillis(5)).measure("model.load", () -> {
                sleep(30);
                return null;
            });
            assertThat(result).isEqualTo("rows");
            List<JsonNode> r = log.records();
            assertThat(r.get(0).get("event.dataset").asText()).isEqualTo("fabstir.performance");
            assertThat(r.get(0).get("fabstir.perf.operation").asText()).isEqualTo("db.query");
            assertThat(r.get(0).get("event.outcome").asText()).isEqualTo("success");
            assertThat(r.get(0).get("event.duration").asLong()).isPositive();
            assertThat(r.get(0).get("labels.gpu").asText()).isEqualTo("0");
            assertThat(r.get(0).get("log.level").asText()).isEqualTo("INFO");
            assertThat(r.get(1).get("log.level").asText()).isEqualTo("WARN");
            assertThat(r.get(1).get("fabstir.perf.slow").asBoolean()).isTrue();
            assertThat(r.get(1).get("event.duration").asLong()).isGreaterThanOrEqualTo(30_000_000L);
        }
    }

    @Test
    void perfMeasureLogsAFailureAndRethrows() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            assertThatThrownBy(() -> FabstirEvents.perf(log.logger("perf")).measure("rpc.call", () -> {
                throw new IllegalArgumentException("bad");
            })).isInstanceOf(IllegalArgumentException.class);
            JsonNode r = log.only();
            assertThat(r.get("event.outcome").asText()).isEqualTo("failure");
            assertThat(r.get("error.type").asText()).isEqualTo("java.lang.IllegalArgumentException");
        }
    }

    @Test
    void contextLoggerAddsItsBoundFieldsToLinesAndEvents() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            ContextLogger jobLog = FabstirEvents.context(log.logger("ctx"))
                    .with("fabstir.job.id", "j-5").with("labels.region", "eu");
            jobLog.info("loading weights for {}", "llama");
            jobLog.job().completed("j-5", "llama", 10, Duration.ofMillis(3));
            jobLog.warn("retrying", new RuntimeException("flaky"));
            List<JsonNode> r = log.records();
            assertThat(r).hasSize(3);
            for (JsonNode rec : r) {
                assertThat(rec.get("fabstir.job.id").asText()).isEqualTo("j-5");
                assertThat(rec.get("labels.region").asText()).isEqualTo("eu");
            }
            assertThat(r.get(0).get("message").asText()).isEqualTo("loading weights for llama");
            assertThat(r.get(1).get("event.dataset").asText()).isEqualTo("fabstir.job");
            assertThat(r.get(2).get("error.message").asText()).isEqualTo("flaky");
        }
    }

    @Test
    void listenersHearEveryEventAndCannotBreakTheCaller() {
        List<String> heard = new ArrayList<>();
        FabstirEventListener listener = new FabstirEventListener() {
            @Override
            public void jobCompleted(String jobId, String model, long tokensUsed, Duration duration) {
                heard.add("completed " + jobId + " " + tokensUsed);
            }

            @Override
            public void operation(String operation, Duration duration, boolean success, Map<String, String> labels) {
                heard.add("op " + operation + " " + success);
                throw new IllegalStateException("listener bug");
            }
        };
        FabstirEvents.addListener(listener);
        try (CapturedLog log = new CapturedLog(e -> { })) {
            FabstirEvents.job(log.logger("l")).completed("j-1", "m", 3, Duration.ofMillis(1));
            FabstirEvents.perf(log.logger("l")).record("x", Duration.ofMillis(1));
        } finally {
            FabstirEvents.removeListener(listener);
        }
        assertThat(heard).containsExactly("completed j-1 3", "op x true");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
