package io.fabstir.shipper.pipeline;

import io.fabstir.shipper.identity.ScopedIds;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.enrichers.redact.SecretCorpus;
import io.fabstir.enrichers.redact.SecretCorpus.Secret;
import io.fabstir.localservices.LocalKafka;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.shipper.harness.ShipperProcess;
import io.fabstir.shipper.harness.TopicContents;
import io.fabstir.shipper.index.IndexLoop;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchSink;
import io.fabstir.shipper.sink.loki.LokiSink;
import io.fabstir.shipper.sink.loki.LokiReceiver;
import io.fabstir.templates.TemplateInstaller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole pipeline as an operator runs it: {@code tail} (the CLI, a child JVM, default redaction) of a file with
 * the secret corpus written raw (JSON records and plain-text lines, as an application with another encoder would
 * write them) → the real Kafka → {@code index} into the real Elasticsearch, and the Loki sink into a receiver that
 * decodes the real push protocol (protobuf + snappy). Also a chatty record whose contract fields come after
 * thousands of others, written twice.
 */
@Tag("integration")
class CorpusPipelineTest {

    private static final String RUN = Long.toString(System.currentTimeMillis() % 10_000_000L, 36);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHATTY_ID = "chatty-" + RUN;
    private static final List<AutoCloseable> CLOSE = new ArrayList<>();

    private static String indices;
    private static String dlqIndices;
    private static final ListAppender<ILoggingEvent> SHIPPER_LOG = new ListAppender<>();
    /** A field name Elasticsearch refuses to map ({@code labels.*} are keywords), quoted in its reason. */
    private static final String LONG_NAME = "labels.n" + "x".repeat(10_000);
    private static EsProbe probe;
    private static LokiReceiver loki;
    private static TopicContents kafkaTopic;
    private static int lines;

    @BeforeAll
    static void runThePipeline(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        LocalKafka kafka = SharedServices.kafka();
        String topic = "it.corpus." + RUN;
        kafka.createTopic(topic, 2);
        kafka.createTopic(topic + ".dlq", 1);
        probe = new EsProbe(SharedServices.elasticsearch().url());
        CLOSE.add(probe);
        TemplateInstaller.builder().client(probe.client()).replicas(0).build().install();
        indices = "fabstir-logs-corpus" + RUN + "-*";
        dlqIndices = "fabstir-logs-dlq-corpus" + RUN + "-*";
        SHIPPER_LOG.start();
        ((Logger) LoggerFactory.getLogger("io.fabstir.shipper.index.DeadLetters")).addAppender(SHIPPER_LOG);

        Path log = Files.createDirectories(dir.resolve("logs")).resolve("app.json");
        lines = writeCorpus(log);

        loki = LokiReceiver.open();
        CLOSE.add(loki);
        ShipperProcess tail = ShipperProcess.start(dir, kafka.bootstrapServers(), topic, List.of(log.toString()));
        CLOSE.add(tail);
        PrometheusRegistry registry = new PrometheusRegistry();
        IndexLoop es = IndexLoop.builder().bootstrapServers(kafka.bootstrapServers())
                .topic(topic).dlqTopic(topic + ".dlq").groupId("g-corpus-es-" + RUN).clientId("corpus-es")
                .registry(registry)
                .sink(ElasticsearchSink.builder().client(probe.client()).maxOperations(500)
                        .indexPattern("fabstir-logs-corpus" + RUN + "-{yyyy.MM.dd}")
                        .dlqPattern("fabstir-logs-dlq-corpus" + RUN + "-{yyyy.MM.dd}")
                        .registry(registry).backoff(Duration.ofMillis(100), Duration.ofSeconds(3)).build())
                .build();
        start(es, es);
        IndexLoop toLoki = IndexLoop.builder().bootstrapServers(kafka.bootstrapServers()).topic(topic)
                .dlqTopic(topic + ".dlq").groupId("g-corpus-loki-" + RUN).registry(registry)
                .sink(LokiSink.builder().url(loki.url()).linger(Duration.ofMillis(200))
                        .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)).registry(registry).build())
                .build();
        start(toLoki, toLoki);

        kafkaTopic = new TopicContents(kafka.bootstrapServers(), topic);
        CLOSE.add(kafkaTopic);
        Duration wait = Duration.ofSeconds(60);
        assertThat(kafkaTopic.readUntil(r -> r.size() >= lines, wait)).as("tail shipped every line").isTrue();
        kafkaTopic.drain(Duration.ofSeconds(1));
        // every distinct event.id once, and the chatty line's second copy (written again at another offset, so a
        // different record under a taken id since issue 21: stored too, flagged reused_event_id)
        long expected = kafkaTopic.eventIds().stream().distinct().count() + 1;
        await().atMost(wait).pollInterval(Duration.ofMillis(500))
                .until(() -> probe.count(indices) + probe.count(dlqIndices), c -> c == expected);
        int shipped = kafkaTopic.records().size();
        await().atMost(wait).pollInterval(Duration.ofMillis(500)).until(() -> loki.accepted().size(), c -> c >= shipped);
    }

    private static void start(Runnable loop, AutoCloseable closer) {
        Thread t = new Thread(loop, "corpus-sink");
        t.setDaemon(true);
        t.start();
        CLOSE.add(closer);
    }

    @AfterAll
    static void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger("io.fabstir.shipper.index.DeadLetters")).detachAppender(SHIPPER_LOG);
        for (int i = CLOSE.size() - 1; i >= 0; i--) {
            CLOSE.get(i).close();
        }
    }

    /** Each secret in three JSON records (message forms, nested field, array) and a plain-text line; the chatty
     * record twice. Returns the number of lines. */
    private static int writeCorpus(Path file) throws Exception {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Secret s : SecretCorpus.secrets()) {
            for (int variant = 0; variant < 3; variant++) {
                ObjectNode r = SecretCorpus.record(s, n++);
                r.put("@timestamp", Instant.now().toString());
                r.put("event.id", "corpus-" + RUN + "-" + n);
                sb.append(JSON.writeValueAsString(r)).append('\n');
            }
            sb.append(Instant.now()).append(" WARN [main] ").append(SecretCorpus.inMessage(s, n++)).append('\n');
        }
        sb.append("{\"@timestamp\":\"").append(Instant.now()).append("\",\"event.id\":\"refused-").append(RUN)
                .append("\",\"").append(LONG_NAME).append("\":{\"x\":1}}\n");
        n++;
        String chatty = chattyRecord();
        sb.append(chatty).append('\n').append(chatty).append('\n');
        Files.writeString(file, sb, StandardCharsets.UTF_8);
        return n + 2;
    }

    /** 3000 fields of a map logged whole, and only then the record's own contract fields. */
    private static String chattyRecord() throws Exception {
        ObjectNode r = JSON.createObjectNode();
        ObjectNode map = r.putObject("fabstir.session_state");
        for (int i = 0; i < 3000; i++) {
            map.put("slot" + i, i);
        }
        r.put("@timestamp", Instant.now().toString());
        r.put("log.level", "INFO");
        r.put("message", "session state dumped");
        r.put("event.id", CHATTY_ID);
        r.put("fabstir.job.id", "job-chatty");
        return JSON.writeValueAsString(r);
    }

    @Test
    void noSecretOfTheCorpusReachesKafka() {
        StringBuilder all = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> r : kafkaTopic.raw()) {
            all.append(new String(r.value(), StandardCharsets.UTF_8)).append('\n');
            for (Header h : r.headers()) {
                all.append(new String(h.value(), StandardCharsets.UTF_8)).append('\n');
            }
        }
        assertThat(kafkaTopic.raw()).hasSizeGreaterThanOrEqualTo(lines);
        assertThat(SecretCorpus.leaks(all.toString())).isEmpty();
    }

    @Test
    void noSecretOfTheCorpusReachesElasticsearch() throws Exception {
        StringBuilder all = new StringBuilder();
        probe.scan(indices, d -> all.append(d.source()).append('\n'));
        probe.scan(dlqIndices, d -> all.append(d.source()).append('\n'));
        assertThat(all.length()).isGreaterThan(10_000);
        assertThat(SecretCorpus.leaks(all.toString())).isEmpty();
    }

    @Test
    void noSecretOfTheCorpusReachesLoki() {
        StringBuilder all = new StringBuilder();
        for (LokiReceiver.Entry e : loki.accepted()) {
            all.append(e.labels()).append(' ').append(e.metadata()).append(' ').append(e.line()).append('\n');
        }
        assertThat(loki.accepted()).hasSizeGreaterThanOrEqualTo(lines);
        assertThat(SecretCorpus.leaks(all.toString())).isEmpty();
    }

    @Test
    void theShippersWarnLineCutsALongReasonWhileTheDeadLetterKeepsItWhole() throws Exception {
        List<String> letters = new ArrayList<>();
        probe.scan(dlqIndices, d -> letters.add(d.source().toString()));
        assertThat(letters).singleElement().asString().contains(LONG_NAME.substring(7));
        List<String> warnings = SHIPPER_LOG.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.startsWith("dead-lettering")).toList();
        assertThat(warnings).singleElement().satisfies(w -> {
            assertThat(w.length()).isLessThan(600);
            assertThat(w).contains(" chars)");
        });
    }

    @Test
    void lookAlikesReachElasticsearchUnchanged() throws Exception {
        List<String> damaged = new ArrayList<>();
        int[] seen = {0};
        probe.scan(indices, d -> {
            if (d.source().path("event.id").asText("").startsWith("corpus-")) { // ids are node-scoped UUIDs
                seen[0]++;
                damaged.addAll(SecretCorpus.damagedLookAlikes(d.source().get("details")));
            }
        });
        assertThat(seen[0]).isEqualTo(SecretCorpus.secrets().size() * 3);
        assertThat(damaged).isEmpty();
    }

    @Test
    void aRecordWithThousandsOfFieldsBeforeItsContractFieldsIsStoredUnderItsScopedIdAndFoundByNode()
            throws Exception {
        SearchResponse<JsonNode> byNode = probe.client().search(s -> s.index(indices).size(10)
                .query(q -> q.bool(b -> b
                        .filter(f -> f.term(t -> t.field("fabstir.node_id").value("node-it")))
                        .filter(f -> f.term(t -> t.field("event.id").value(CHATTY_ID))))), JsonNode.class);
        // written twice (two offsets): the second copy is stored too, under its content-derived id, flagged
        assertThat(byNode.hits().hits()).hasSize(2);
        assertThat(byNode.hits().hits()).filteredOn(h -> h.source().has("fabstir.flags")).singleElement()
                .satisfies(h -> assertThat(h.source().get("fabstir.flags").toString()).contains("reused_event_id"));
        assertThat(byNode.hits().hits()).filteredOn(h -> !h.source().has("fabstir.flags")).singleElement()
                .satisfies(h -> {
                    assertThat(h.id()).isEqualTo(ScopedIds.document("node-it", CHATTY_ID));
                    JsonNode src = h.source();
                    assertThat(src.get("host.name").asText()).isEqualTo("it-host");
                    assertThat(src.get("log.file.path").asText()).endsWith("app.json");
                    assertThat(src.get("fabstir.job.id").asText()).isEqualTo("job-chatty");
                    assertThat(src.get("fabstir.overflow").toString())
                            .doesNotContain("\"event.id\"", "fabstir.node_id", "log.offset");
                    assertThat(src.get("fabstir.normalized").toString()).contains("field_limit");
                });
    }
}
