package io.fabstir.shipper.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.Scrape;
import io.fabstir.shipper.index.IndexLoop;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchSink;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The Loki sink end to end: real Kafka (and, for the outage test, the Elasticsearch sink against real
 * Elasticsearch) from local-services, the loop with {@link LokiSink} in its own consumer group, and {@link LokiReceiver} decoding
 * the real wire format and validating as Loki does.
 */
@Tag("integration")
class LokiSinkIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(90);

    private String bootstrap;
    private String topic;
    private String dlqTopic;
    private String group;
    private LokiReceiver loki;
    private final List<AutoCloseable> closeAtEnd = new ArrayList<>();
    private final AtomicInteger seq = new AtomicInteger();
    private final Instant base = Instant.now().minusSeconds(3600);

    @BeforeEach
    void setUp() throws Exception {
        bootstrap = SharedServices.kafka().bootstrapServers();
        String run = UUID.randomUUID().toString().substring(0, 8);
        topic = "fabstir.logs.loki-it-" + run;
        dlqTopic = "fabstir.logs.dlq.loki-it-" + run;
        group = "fabstir-loki-it-" + run;
        SharedServices.kafka().createTopic(topic, 3);
        SharedServices.kafka().createTopic(dlqTopic, 1);
        loki = LokiReceiver.open();
        closeAtEnd.add(loki);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeAtEnd.size() - 1; i >= 0; i--) {
            closeAtEnd.get(i).close();
        }
    }

    private LokiSink.Builder indexer() {
        return LokiSink.builder().url(loki.url()).tenant("fabstir").linger(Duration.ofMillis(200))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2));
    }

    /** One loop of the Loki group, with its own registry so its counters can be read apart. */
    private record Running(IndexLoop loop, PrometheusRegistry registry) {
        long indexed() {
            return Scrape.sink(registry, "records_indexed", "loki");
        }

        long dlq() {
            return Scrape.sink(registry, "records_dlq", "loki");
        }

        long retries() {
            return Scrape.sink(registry, "retries", "loki");
        }

        void close() {
            loop.close();
        }
    }

    private Running start(LokiSink.Builder b) {
        PrometheusRegistry registry = new PrometheusRegistry();
        IndexLoop loop = IndexLoop.builder().bootstrapServers(bootstrap).topic(topic).dlqTopic(dlqTopic).groupId(group)
                .registry(registry).sink(b.registry(registry).build())
                .kafkaProperties(Map.of("session.timeout.ms", "10000", "heartbeat.interval.ms", "1000"))
                .build();
        Thread t = new Thread(loop, "loki-loop-" + closeAtEnd.size());
        t.setDaemon(true);
        t.start();
        closeAtEnd.add(() -> {
            loop.close();
            t.join(30_000);
        });
        return new Running(loop, registry);
    }

    /** Record n for a node, @timestamp base + offsetMs; ids unique per record. */
    private String record(String node, String level, long offsetMs) {
        int n = seq.incrementAndGet();
        return "{\"@timestamp\":\"" + base.plusMillis(offsetMs) + "\",\"log.level\":\"" + level + "\","
                + "\"message\":\"job step " + n + "\",\"service.name\":\"fabstir-node\",\"event.dataset\":\"fabstir.job\","
                + "\"fabstir.node_id\":\"" + node + "\",\"event.id\":\"ev-" + n + "\",\"trace.id\":\"trace-" + n + "\","
                + "\"span.id\":\"span-" + n + "\",\"fabstir.job.id\":\"job-" + (n % 7) + "\"}";
    }

    private void produce(List<String[]> keyAndValue) throws Exception {
        Map<String, Object> p = Map.of("bootstrap.servers", bootstrap, "acks", "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (String[] kv : keyAndValue) {
                producer.send(new ProducerRecord<>(topic, kv[0], kv[1])).get();
            }
        }
    }

    private List<String[]> records(int count, long startMs) {
        List<String[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String node = "node-" + (i % 3);
            out.add(new String[] {node, record(node, i % 4 == 0 ? "ERROR" : "INFO", startMs + i)});
        }
        return out;
    }

    private Map<TopicPartition, Long> committed(String groupId) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> m =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, Long> out = new HashMap<>();
            m.forEach((tp, om) -> {
                if (om != null && tp.topic().equals(topic)) {
                    out.put(tp, om.offset());
                }
            });
            return out;
        }
    }

    private Map<TopicPartition, Long> endOffsets() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetSpec> req = new HashMap<>();
            for (int p = 0; p < 3; p++) {
                req.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> out = new HashMap<>();
            admin.listOffsets(req).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
            return out;
        }
    }

    private Set<String> acceptedEventIds() {
        Set<String> ids = new HashSet<>();
        for (LokiReceiver.Entry e : loki.accepted()) {
            ids.add(e.metadata().get("event_id"));
        }
        return ids;
    }

    @Test
    void recordsReachLokiWithBoundedLabelsAndIdsAsStructuredMetadataThenOffsetsAreCommitted() throws Exception {
        produce(records(30, 0));
        Running indexer = start(indexer());

        await().atMost(WAIT).until(() -> loki.accepted().size() >= 30);
        assertThat(loki.accepted()).hasSize(30);
        assertThat(loki.contentTypes()).allMatch("application/x-protobuf"::equals);
        for (LokiReceiver.Entry e : loki.accepted()) {
            assertThat(e.labels()).containsOnlyKeys("service_name", "level", "event_dataset", "node_id");
            assertThat(e.labels().get("level")).isIn("info", "error");
            assertThat(e.metadata()).containsKeys("event_id", "trace_id", "span_id", "fabstir_job_id");
            assertThat(e.tenant()).isEqualTo("fabstir");
            assertThat(e.line()).contains("\"event.id\":\"" + e.metadata().get("event_id") + "\"");
        }
        assertThat(loki.accepted().stream().map(LokiReceiver.Entry::labels).distinct()).hasSize(6);
        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(group)).isEqualTo(endOffsets()));
        assertThat(indexer.indexed()).isEqualTo(30);
        assertThat(indexer.dlq()).isZero();
    }

    @Test
    void rateLimitAndUnavailableAreRetriedWithNothingLostAndNoCommitBeforeAcceptance() throws Exception {
        loki.down(true);
        Running indexer = start(indexer());
        produce(records(50, 0));
        await().atMost(WAIT).until(() -> loki.refusedRequests() >= 3);
        assertThat(committed(group)).isEmpty();
        assertThat(loki.accepted()).isEmpty();

        loki.failNext(3, 429);
        loki.down(false);
        await().atMost(WAIT).until(() -> loki.accepted().size() >= 50);
        produce(records(50, 1000));
        loki.failNext(2, 503);
        await().atMost(WAIT).until(() -> loki.accepted().size() >= 100);

        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(group)).isEqualTo(endOffsets()));
        assertThat(loki.accepted()).hasSize(100);
        assertThat(acceptedEventIds()).hasSize(100);
        assertThat(indexer.retries()).isGreaterThanOrEqualTo(5);
        assertThat(indexer.indexed()).isEqualTo(100);
    }

    @Test
    void lokiDownForThirtySecondsDoesNotHoldBackTheElasticsearchSinkOnTheSameTopic() throws Exception {
        loki.stop(); // connection refused first, then 503: both are "down"
        Running indexer = start(indexer());
        // The real Elasticsearch sink (index engineer's IndexLoop) as its own consumer group on the same topic.
        String tag = "lokit-" + group.substring(group.length() - 8);
        String esGroup = "fabstir-indexer-es-" + tag;
        EsConnection es = EsConnection.builder().host(SharedServices.elasticsearch().url()).build();
        closeAtEnd.add(es);
        IndexLoop esLoop = IndexLoop.builder().bootstrapServers(bootstrap).topic(topic).dlqTopic(dlqTopic)
                .groupId(esGroup).clientId(esGroup)
                .registry(new PrometheusRegistry())
                .sink(ElasticsearchSink.builder().client(es.client()).maxOperations(500)
                        .indexPattern("fabstir-logs-" + tag + "-{yyyy.MM.dd}")
                        .dlqPattern("fabstir-logs-dlq-" + tag + "-{yyyy.MM.dd}")
                        .registry(new PrometheusRegistry())
                        .backoff(Duration.ofMillis(100), Duration.ofSeconds(3)).build())
                .build();
        Thread esThread = new Thread(esLoop, "es-sink-" + tag);
        esThread.setDaemon(true);
        esThread.start();
        closeAtEnd.add(() -> {
            esLoop.close();
            esThread.join(30_000);
        });
        String indices = "fabstir-logs-" + tag + "-*";

        long downSince = System.nanoTime();
        produce(records(60, 0));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> esCount(es, indices) == 60);
        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(esGroup)).isEqualTo(endOffsets()));
        assertThat(committed(group)).as("Loki group commits nothing while Loki is down").isEmpty();

        sleepUntil(downSince, Duration.ofSeconds(15));
        loki.down(true);
        loki.start(); // back on the same port, but answering 503
        produce(records(40, 1000));
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> esCount(es, indices) == 100);
        assertThat(committed(group)).isEmpty();
        sleepUntil(downSince, Duration.ofSeconds(30));
        assertThat(loki.accepted()).isEmpty();

        loki.down(false);
        await().atMost(WAIT).until(() -> loki.accepted().size() >= 100);
        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(group)).isEqualTo(endOffsets()));
        assertThat(acceptedEventIds()).hasSize(100);
        assertThat(loki.accepted()).hasSize(100);
        assertThat(indexer.retries()).isPositive();
        assertThat(esCount(es, indices)).isEqualTo(100);
    }

    private static long esCount(EsConnection es, String wildcard) {
        try {
            es.client().indices().refresh(r -> r.index(wildcard).allowNoIndices(true));
            return es.client().count(c -> c.index(wildcard).allowNoIndices(true)).count();
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    @Test
    void entriesArriveInTimestampOrderPerStreamAndAnEntryLokiRefusesGoesToTheDlqWithItsReason() throws Exception {
        // Timestamps out of Kafka order within each node's partition: the sink sorts each stream before pushing.
        List<String[]> shuffled = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            String node = "node-" + (i % 3);
            long ms = ((i * 37L) % 90) * 10;
            shuffled.add(new String[] {node, record(node, i % 2 == 0 ? "INFO" : "WARN", ms)});
        }
        produce(shuffled);
        start(indexer().batchMaxEntries(500).linger(Duration.ofSeconds(2)));
        await().atMost(WAIT).until(() -> loki.accepted().size() >= 90);
        Map<Map<String, String>, List<Long>> perStream = new HashMap<>();
        for (LokiReceiver.Entry e : loki.accepted()) {
            perStream.computeIfAbsent(e.labels(), k -> new ArrayList<>()).add(e.tsNanos());
        }
        assertThat(perStream).hasSize(6);
        perStream.values().forEach(ts -> assertThat(ts).isSorted());

        // A record older than what Loki holds for its stream: refused ("entry out of order"), sent to the DLQ.
        String late = record("node-0", "INFO", -60_000);
        produce(List.<String[]>of(new String[] {"node-0", late}));
        produce(records(3, 5000));
        await().atMost(WAIT).until(() -> loki.accepted().size() >= 93);
        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(group)).isEqualTo(endOffsets()));

        Map<String, Object> c = Map.of("bootstrap.servers", bootstrap, "group.id", "dlq-reader-" + group,
                "auto.offset.reset", "earliest");
        try (KafkaConsumer<byte[], byte[]> dlq = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            dlq.subscribe(List.of(dlqTopic));
            List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(got::add);
                return !got.isEmpty();
            });
            ConsumerRecord<byte[], byte[]> r = got.get(0);
            assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo(late);
            assertThat(header(r, "fabstir.dlq.reason")).startsWith("loki: ").contains("entry out of order");
            assertThat(header(r, "fabstir.dlq.error_type")).isEqualTo("loki_out_of_order");
            assertThat(header(r, "fabstir.dlq.source")).startsWith(topic + "/");
            assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("node-0");
        }
    }

    @Test
    void aRebalanceDuringAnOutageLosesNothingAndSendsNothingTwice() throws Exception {
        loki.down(true);
        Running first = start(indexer());
        produce(records(60, 0));
        await().atMost(WAIT).until(() -> loki.refusedRequests() >= 2);

        Running second = start(indexer()); // same group: partitions are split while the first one is retrying
        await().atMost(WAIT).until(() -> members(group) == 2);
        Thread.sleep(3000); // both hold partitions and the first has retried since the rebalance
        loki.down(false);
        produce(records(30, 1000));
        await().atMost(WAIT).until(() -> loki.accepted().size() >= 90);
        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(group)).isEqualTo(endOffsets()));

        first.close(); // the survivor takes every partition and carries on from the commits
        produce(records(30, 2000));
        await().atMost(WAIT).until(() -> loki.accepted().size() >= 120);
        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(group)).isEqualTo(endOffsets()));
        Thread.sleep(500);
        assertThat(loki.accepted()).hasSize(120);
        assertThat(acceptedEventIds()).hasSize(120);
        assertThat(first.dlq() + second.dlq()).isZero();
        assertThat(first.indexed() + second.indexed()).isEqualTo(120);
    }

    private int members(String groupId) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            return admin.describeConsumerGroups(List.of(groupId)).all().get().get(groupId).members().size();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static void sleepUntil(long sinceNanos, Duration d) throws InterruptedException {
        long left = sinceNanos + d.toNanos() - System.nanoTime();
        if (left > 0) {
            Thread.sleep(left / 1_000_000);
        }
    }
}
