package io.fabstir.shipper.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.shipper.harness.Scrape;
import io.fabstir.shipper.index.IndexLoop;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.localservices.SharedServices;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Opt-in: the Loki sink against a real Loki. Runs only when {@code FABSTIR_LOKI_URL} is set (e.g.
 * {@code http://127.0.0.1:3100}); skipped otherwise. Optional: {@code FABSTIR_LOKI_TENANT},
 * {@code FABSTIR_LOKI_USER} with {@code FABSTIR_LOKI_PASSWORD}, or {@code FABSTIR_LOKI_TOKEN}. Each format
 * (protobuf, JSON) pushes its own stream, which is read back through Loki's query API.
 */
@Tag("integration")
class RealLokiOptInIntegrationTest {

    @Test
    void recordsPushedThroughKafkaAreQueryableInARealLokiWithLabelsAndStructuredMetadata() throws Exception {
        String url = System.getenv("FABSTIR_LOKI_URL");
        assumeTrue(url != null && !url.isBlank(), "FABSTIR_LOKI_URL not set: no real Loki to test against");
        String tenant = System.getenv("FABSTIR_LOKI_TENANT");
        String bootstrap = SharedServices.kafka().bootstrapServers();
        for (PushFormat format : PushFormat.values()) {
            String run = UUID.randomUUID().toString().substring(0, 8);
            String service = "fabstir-loki-optin-" + format.name().toLowerCase(java.util.Locale.ROOT) + "-" + run;
            String topic = "fabstir.logs.loki-optin-" + run;
            SharedServices.kafka().createTopic(topic, 1);
            SharedServices.kafka().createTopic(topic + ".dlq", 1);
            Instant now = Instant.now().minusSeconds(5);
            try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                    new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < 10; i++) {
                    p.send(new ProducerRecord<>(topic, "node-optin", "{\"@timestamp\":\"" + now.plusMillis(i)
                            + "\",\"log.level\":\"INFO\",\"service.name\":\"" + service
                            + "\",\"event.dataset\":\"fabstir.app\",\"fabstir.node_id\":\"node-optin\",\"event.id\":\""
                            + run + "-" + i + "\",\"trace.id\":\"t" + i + "\",\"message\":\"opt-in " + i + "\"}")).get();
                }
            }
            PrometheusRegistry registry = new PrometheusRegistry();
            LokiSink.Builder b = LokiSink.builder()
                    .url(URI.create(url)).tenant(tenant).format(format).linger(Duration.ofMillis(200))
                    .registry(registry);
            if (System.getenv("FABSTIR_LOKI_USER") != null) {
                b.basicAuthFromEnv(System.getenv("FABSTIR_LOKI_USER"), "FABSTIR_LOKI_PASSWORD");
            } else if (System.getenv("FABSTIR_LOKI_TOKEN") != null) {
                b.bearerTokenEnv("FABSTIR_LOKI_TOKEN");
            }
            IndexLoop loop = IndexLoop.builder().bootstrapServers(bootstrap).topic(topic)
                    .dlqTopic(topic + ".dlq").groupId("fabstir-loki-optin-" + run).registry(registry)
                    .sink(b.build()).build();
            Thread t = new Thread(loop);
            t.start();
            try {
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> Scrape.sink(registry, "records_indexed", "loki") >= 10);
                assertThat(Scrape.sink(registry, "records_dlq", "loki")).as(format + " entries refused").isZero();
            } finally {
                loop.close();
                t.join(30_000);
            }
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                JsonNode result = query(url, tenant, "{service_name=\"" + service + "\"}", now);
                Set<String> lines = new HashSet<>();
                for (JsonNode stream : result) {
                    assertThat(stream.path("stream").path("node_id").asText()).isEqualTo("node-optin");
                    assertThat(stream.path("stream").path("level").asText()).isEqualTo("info");
                    for (JsonNode v : stream.path("values")) {
                        lines.add(v.get(1).asText());
                    }
                }
                assertThat(lines).as(format.name()).hasSize(10);
            });
            // trace_id is structured metadata, not a label: filterable after the stream selector.
            JsonNode byMetadata = query(url, tenant, "{service_name=\"" + service + "\"} | trace_id=\"t3\"", now);
            assertThat(byMetadata.findValues("values").stream().mapToInt(JsonNode::size).sum()).isEqualTo(1);
        }
    }

    private static JsonNode query(String url, String tenant, String logql, Instant from) throws Exception {
        String q = "/loki/api/v1/query_range?query=" + URLEncoder.encode(logql, StandardCharsets.UTF_8)
                + "&start=" + (from.minusSeconds(60).toEpochMilli() * 1_000_000L)
                + "&end=" + (Instant.now().plusSeconds(60).toEpochMilli() * 1_000_000L) + "&limit=1000";
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url.replaceAll("/+$", "") + q)).GET();
        if (tenant != null) {
            req.header("X-Scope-OrgID", tenant);
        }
        if (System.getenv("FABSTIR_LOKI_USER") != null) {
            String cred = System.getenv("FABSTIR_LOKI_USER") + ":" + System.getenv("FABSTIR_LOKI_PASSWORD");
            req.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(cred.getBytes(StandardCharsets.UTF_8)));
        } else if (System.getenv("FABSTIR_LOKI_TOKEN") != null) {
            req.header("Authorization", "Bearer " + System.getenv("FABSTIR_LOKI_TOKEN"));
        }
        HttpResponse<String> resp = HttpClient.newHttpClient().send(req.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
        return new ObjectMapper().readTree(resp.body()).path("data").path("result");
    }
}
