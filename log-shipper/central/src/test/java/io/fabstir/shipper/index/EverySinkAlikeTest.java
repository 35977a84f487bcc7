package io.fabstir.shipper.index;

import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.shipper.harness.Scrape;
import io.fabstir.shipper.harness.TopicContents;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchSink;
import io.fabstir.shipper.sink.loki.LokiReceiver;
import io.fabstir.shipper.sink.loki.LokiSink;
import io.fabstir.templates.TemplateInstaller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Elasticsearch and Loki behind the same loop, each in its own consumer group on one topic and one metrics registry
 * (as the demo and a process running both sinks have them): a record gets the same {@code @timestamp} in both, the
 * same repair of a value the index template would refuse, a record is dead-lettered once per sink that refuses it
 * with the sink named, and both sinks' metrics are exported.
 */
@Tag("integration")
class EverySinkAlikeTest {
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    private static final Duration WAIT = Duration.ofSeconds(90);
    /** Whole milliseconds an hour ago (the epoch-millisecond form cannot say more). */
    private static final Instant T = Instant.now().minus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
    private static final Map<String, Instant> TIMESTAMPS = Map.of(
            "zoneless-" + RUN, T,
            "epochms-" + RUN, T.plusMillis(1),
            "iso-" + RUN, T.plusMillis(2));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<AutoCloseable> CLOSE = new ArrayList<>();
    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
    private static EsProbe probe;
    private static LokiReceiver loki;
    private static TopicContents dlq;
    private static String indices;

    @BeforeAll
    static void runBothSinks() throws Exception {
        String bootstrap = SharedServices.kafka().bootstrapServers();
        String topic = "it.alike." + RUN;
        SharedServices.kafka().createTopic(topic, 2);
        SharedServices.kafka().createTopic(topic + ".dlq", 1);
        probe = new EsProbe(SharedServices.elasticsearch().url());
        CLOSE.add(probe);
        TemplateInstaller.builder().client(probe.client()).replicas(0).build().install();
        indices = "fabstir-logs-alike" + RUN + "-*";
        loki = LokiReceiver.open();
        CLOSE.add(loki);
        // Loki refuses what is older than 90 minutes; Elasticsearch takes it.
        loki.rejectOlderThan(Instant.now().minus(90, ChronoUnit.MINUTES).toEpochMilli() * 1_000_000L);

        String zoneless = LocalDateTime.ofInstant(T, ZoneOffset.UTC).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
        List<String> values = List.of(
                record("zoneless-" + RUN, "\"" + zoneless + "\"", "\"zone-less\""),
                record("epochms-" + RUN, "\"" + T.plusMillis(1).toEpochMilli() + "\"", "\"epoch ms as text\""),
                record("iso-" + RUN, "\"" + T.plusMillis(2) + "\"", "\"canonical\""),
                "not json " + RUN,
                // Elasticsearch refuses it (a field name over the template's limit); Loki takes the line.
                SampleRecords.refusedByElasticsearch("esrefuses-" + RUN, T),
                // A string where the template has an object: repaired once, before either sink sees it.
                record("clash-" + RUN, "\"" + T + "\"", "\"a string error\"").replace("}",
                        ",\"error\":\"CUDA out of memory\"}"),
                record("lokirefuses-" + RUN, "\"" + T.minus(2, ChronoUnit.HOURS) + "\"", "\"too old for Loki\""));
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            for (String v : values) {
                p.send(new ProducerRecord<>(topic, "node-alike", v)).get();
            }
        }

        start(IndexLoop.builder().bootstrapServers(bootstrap).topic(topic).dlqTopic(topic + ".dlq")
                .groupId("g-alike-es-" + RUN).registry(REGISTRY)
                .sink(ElasticsearchSink.builder().client(probe.client()).registry(REGISTRY)
                        .indexPattern("fabstir-logs-alike" + RUN + "-{yyyy.MM.dd}")
                        .dlqPattern("fabstir-logs-dlq-alike" + RUN + "-{yyyy.MM.dd}").build())
                .build());
        start(IndexLoop.builder().bootstrapServers(bootstrap).topic(topic).dlqTopic(topic + ".dlq")
                .groupId("g-alike-loki-" + RUN).registry(REGISTRY)
                .sink(LokiSink.builder().url(loki.url()).linger(Duration.ofMillis(100))
                        .retryBackoff(Duration.ofMillis(50), Duration.ofSeconds(1)).registry(REGISTRY).build())
                .build());

        dlq = new TopicContents(bootstrap, topic + ".dlq");
        CLOSE.add(dlq);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> probe.count(indices) >= 5
                && loki.accepted().size() >= 5 && dlq.readUntil(r -> r.size() >= 4, Duration.ofMillis(100)));
        dlq.drain(Duration.ofSeconds(2));
    }

    private static String record(String id, String timestamp, String message) {
        return "{\"@timestamp\":" + timestamp + ",\"log.level\":\"INFO\",\"service.name\":\"fabstir-node\","
                + "\"fabstir.node_id\":\"node-alike\",\"event.id\":\"" + id + "\",\"message\":" + message + "}";
    }

    private static void start(IndexLoop loop) {
        Thread t = new Thread(loop, "alike-loop");
        t.setDaemon(true);
        t.start();
        CLOSE.add(loop);
    }

    @AfterAll
    static void stop() throws Exception {
        for (int i = CLOSE.size() - 1; i >= 0; i--) {
            CLOSE.get(i).close();
        }
    }

    @Test
    void aRecordHasTheSameTimestampInElasticsearchAndInLokiWhateverItsForm() throws Exception {
        SearchResponse<Void> r = probe.client().search(s -> s.index(indices).size(100).source(src -> src.fetch(false))
                .docvalueFields(f -> f.field("@timestamp").format("epoch_millis"))
                .docvalueFields(f -> f.field("event.id")), Void.class);
        Map<String, Long> inElasticsearch = new HashMap<>();
        for (Hit<Void> h : r.hits().hits()) {
            JsonData v = h.fields().get("@timestamp");
            String eventId = h.fields().get("event.id").toJson().asJsonArray().getString(0);
            inElasticsearch.put(eventId, (long) Double.parseDouble(v.toJson().asJsonArray().getString(0)));
        }
        Map<String, Long> inLoki = new HashMap<>();
        loki.accepted().forEach(e -> inLoki.put(e.metadata().get("event_id"), e.tsNanos() / 1_000_000L));
        TIMESTAMPS.forEach((id, t) -> {
            assertThat(inElasticsearch.get(id)).as("Elasticsearch @timestamp of " + id).isEqualTo(t.toEpochMilli());
            assertThat(inLoki.get(id)).as("Loki timestamp of " + id).isEqualTo(t.toEpochMilli());
        });
    }

    @Test
    void bothSinksGetTheSameRepairOfAValueTheTemplateWouldRefuse() throws Exception {
        List<JsonNode> inElasticsearch = new ArrayList<>();
        probe.scan(indices, d -> {
            // stored ids are node-scoped (issue 21): the record is found by its own event.id
            if (("clash-" + RUN).equals(d.source().path("event.id").asText(null))) {
                inElasticsearch.add(d.source());
            }
        });
        JsonNode inLoki = JSON.readTree(loki.accepted().stream()
                .filter(e -> ("clash-" + RUN).equals(e.metadata().get("event_id"))).findFirst().orElseThrow().line());
        assertThat(inElasticsearch).hasSize(1);
        for (JsonNode stored : List.of(inElasticsearch.get(0), inLoki)) {
            assertThat(stored.get("error.message").asText()).isEqualTo("CUDA out of memory");
            assertThat(stored.get("fabstir.original").get("error").asText()).isEqualTo("CUDA out of memory");
            assertThat(stored.get("fabstir.normalized").toString()).contains("type_clash:error");
        }
        await().atMost(WAIT).untilAsserted(() -> {
            for (String sink : List.of("elasticsearch", "loki")) {
                assertThat(Scrape.counter(REGISTRY, "fabstir_indexer_type_clashes", "sink", sink)).as(sink)
                        .isEqualTo(1);
            }
        });
    }

    @Test
    void aRecordIsDeadLetteredOncePerSinkThatRefusesItEachCopyNamingItsSink() {
        Map<String, List<String>> sinksBySource = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : dlq.raw()) {
            String value = new String(r.value(), StandardCharsets.UTF_8);
            String what = value.startsWith("not json") ? "not json" : value.replaceAll(".*\"event.id\":\"([^\"]+)\".*", "$1");
            sinksBySource.computeIfAbsent(what, k -> new ArrayList<>()).add(header(r, "fabstir.dlq.sink"));
        }
        assertThat(sinksBySource).containsOnlyKeys("not json", "esrefuses-" + RUN, "lokirefuses-" + RUN);
        assertThat(sinksBySource.get("not json")).containsExactlyInAnyOrder("elasticsearch", "loki");
        assertThat(sinksBySource.get("esrefuses-" + RUN)).containsExactly("elasticsearch");
        assertThat(sinksBySource.get("lokirefuses-" + RUN)).containsExactly("loki");
    }

    @Test
    void bothSinksMetricsAreExportedFromOneRegistry() {
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(Scrape.sink(REGISTRY, "records_indexed", "elasticsearch")).isEqualTo(5);
            assertThat(Scrape.sink(REGISTRY, "records_indexed", "loki")).isEqualTo(5);
            assertThat(Scrape.sink(REGISTRY, "records_dlq", "elasticsearch")).isEqualTo(2);
            assertThat(Scrape.sink(REGISTRY, "records_dlq", "loki")).isEqualTo(2);
        });
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
