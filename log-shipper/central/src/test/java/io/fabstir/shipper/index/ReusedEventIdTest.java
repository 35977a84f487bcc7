package io.fabstir.shipper.index;

import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.shipper.harness.Scrape;
import io.fabstir.shipper.identity.NodeTopics;
import io.fabstir.shipper.identity.ScopedIds;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchSink;
import io.fabstir.templates.TemplateInstaller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * No record is lost to an id: on per-node topics, node A's two different records under one event id are both
 * stored (the second under its content-derived id, flagged and counted), a re-send of either adds nothing, node B's
 * record under the same event id is stored as B's, and a full re-delivery of the topics adds nothing either.
 */
@Tag("integration")
class ReusedEventIdTest {
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    @Test
    void aDifferentRecordUnderATakenEventIdIsStoredFlaggedAndNeitherIsEverDoubled() throws Exception {
        String prefix = "it.reuse." + RUN + ".";
        String bootstrap = SharedServices.kafka().bootstrapServers();
        SharedServices.kafka().createTopic(prefix + "node-a", 1);
        SharedServices.kafka().createTopic(prefix + "node-b", 1);
        String indices = "fabstir-logs-reuse" + RUN + "-*";
        String t = Instant.now().toString();
        String first = "{\"@timestamp\":\"" + t + "\",\"event.id\":\"e-1\",\"fabstir.node_id\":\"node-a\","
                + "\"message\":\"first\",\"log.file.path\":\"/logs/app.json\",\"log.offset\":0}";
        // The same line re-read by the edge after a crash, its file rotated meanwhile.
        String firstAgain = first.replace("/logs/app.json", "/logs/app.json.1");
        String second = first.replace("\"first\"", "\"second\"").replace("\"log.offset\":0", "\"log.offset\":90");
        String fromB = first.replace("node-a", "node-b").replace("\"first\"", "\"b's own\"");
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap, "acks", "all"),
                new StringSerializer(), new StringSerializer());
             EsProbe probe = new EsProbe(SharedServices.elasticsearch().url())) {
            TemplateInstaller.builder().client(probe.client()).replicas(0).build().install();
            for (String v : List.of(first, firstAgain, second, second)) {
                p.send(new ProducerRecord<>(prefix + "node-a", "node-a", v)).get();
            }
            p.send(new ProducerRecord<>(prefix + "node-b", "node-b", fromB)).get();

            PrometheusRegistry registry = new PrometheusRegistry();
            String group = "g-reuse-" + RUN;
            runUntilCommitted(bootstrap, prefix, group, probe, registry);
            Map<String, Map> byId = new HashMap<>();
            probe.hits(indices, 100).forEach(h -> byId.put(h.id(), h.source()));
            assertThat(byId).hasSize(3);
            String reused = byId.keySet().stream().filter(id -> !id.equals(ScopedIds.document("node-a", "e-1"))
                    && !id.equals(ScopedIds.document("node-b", "e-1"))).findFirst().orElseThrow();
            assertThat(EsProbe.field(byId.get(ScopedIds.document("node-a", "e-1")), "message")).isEqualTo("first");
            assertThat(EsProbe.field(byId.get(ScopedIds.document("node-b", "e-1")), "message")).isEqualTo("b's own");
            assertThat(EsProbe.field(byId.get(reused), "message")).isEqualTo("second");
            assertThat(EsProbe.field(byId.get(reused), "fabstir.flags")).isEqualTo(List.of("reused_event_id"));
            assertThat(EsProbe.field(byId.get(ScopedIds.document("node-a", "e-1")), "fabstir.flags")).isNull();
            assertThat(Scrape.counter(registry, "fabstir_indexer_reused_event_ids", "node_id", "node-a")).isEqualTo(1);

            // Everything again from the start: same ids, nothing added, nothing counted twice.
            rewind(bootstrap, group, List.of(prefix + "node-a", prefix + "node-b"));
            runUntilCommitted(bootstrap, prefix, group, probe, registry);
            assertThat(probe.count(indices)).isEqualTo(3);
            assertThat(Scrape.counter(registry, "fabstir_indexer_reused_event_ids", "node_id", "node-a")).isEqualTo(1);
        }
    }

    private static void runUntilCommitted(String bootstrap, String prefix, String group, EsProbe probe,
                                          PrometheusRegistry registry) throws Exception {
        IndexLoop loop = IndexLoop.builder().bootstrapServers(bootstrap)
                .nodeTopics(NodeTopics.of(prefix, null)).dlqTopic("it.reuse-dlq." + RUN).groupId(group)
                .kafkaProperties(Map.of("metadata.max.age.ms", "500")).registry(registry)
                .sink(ElasticsearchSink.builder().client(probe.client()).registry(registry)
                        .indexPattern("fabstir-logs-reuse" + RUN + "-{yyyy.MM.dd}")
                        .dlqPattern("fabstir-logs-dlq-reuse" + RUN + "-{yyyy.MM.dd}")
                        .flushInterval(Duration.ofMillis(50)).build())
                .build();
        Thread t = new Thread(loop, "reuse-loop");
        t.setDaemon(true);
        t.start();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
                Map<TopicPartition, OffsetAndMetadata> c =
                        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                OffsetAndMetadata a = c.get(new TopicPartition(prefix + "node-a", 0));
                OffsetAndMetadata b = c.get(new TopicPartition(prefix + "node-b", 0));
                return a != null && a.offset() == 4 && b != null && b.offset() == 1;
            });
        } finally {
            loop.close();
        }
    }

    private static void rewind(String bootstrap, String group, List<String> topics) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
            topics.forEach(tp -> zero.put(new TopicPartition(tp, 0), new OffsetAndMetadata(0)));
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .untilAsserted(() -> admin.alterConsumerGroupOffsets(group, zero).all().get());
        }
    }
}
