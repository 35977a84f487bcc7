package io.fabstir.shipper.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.ShipperMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code fabstir-shipper index --sink loki} as an operator runs it: a child JVM, configured by flags and YAML. */
@Tag("integration")
class IndexSinkLokiCommandTest {

    @TempDir
    Path dir;

    @Test
    void indexWithSinkLokiPushesEveryRecordCommitsItInItsOwnGroupAndStopsOnSigterm() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "fabstir.logs.loki-cli-" + run;
        String group = "fabstir-loki-cli-" + run;
        String bootstrap = SharedServices.kafka().bootstrapServers();
        SharedServices.kafka().createTopic(topic, 2);
        List<String> ids = new ArrayList<>();
        try (LokiReceiver loki = LokiReceiver.open()) {
            // loki.* keys from YAML, the URL as a flag: both routes of the settings loader
            Path yaml = Files.writeString(dir.resolve("central.yaml"),
                    "loki:\n  tenant: fabstir\n  batch:\n    linger_ms: 100\n  labels: [service_name=service.name, level=log.level, node_id=fabstir.node_id]\n");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-cp", System.getProperty("java.class.path"), ShipperMain.class.getName(), "index",
                    "--sink", "loki", "--config", yaml.toString(), "--loki-url", loki.url().toString(),
                    "--bootstrap-servers", bootstrap, "--topic", topic, "--dlq-topic", topic + ".dlq",
                    "--group-id", group, "--kafka-property", "consumer.auto.offset.reset=earliest")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("index.log").toFile()).start();
            try {
                Instant t = Instant.now().minusSeconds(60);
                Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "acks", "all");
                try (KafkaProducer<String, String> producer =
                             new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                    for (int i = 0; i < 50; i++) {
                        String id = "cli-" + run + "-" + i;
                        ids.add(id);
                        String node = "node-" + (i % 2);
                        producer.send(new ProducerRecord<>(topic, node, "{\"@timestamp\":\"" + t.plusMillis(i)
                                + "\",\"log.level\":\"INFO\",\"message\":\"m" + i + "\",\"service.name\":\"fabstir-node\","
                                + "\"fabstir.node_id\":\"" + node + "\",\"event.id\":\"" + id + "\"}")).get();
                    }
                }
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                    assertThat(p.isAlive()).as("index process alive; log:\n%s", log()).isTrue();
                    Set<String> seen = new HashSet<>();
                    loki.accepted().forEach(e -> seen.add(e.metadata().get("event_id")));
                    assertThat(seen).containsAll(ids);
                });
                LokiReceiver.Entry any = loki.accepted().get(0);
                assertThat(any.tenant()).isEqualTo("fabstir");
                assertThat(any.labels()).containsOnlyKeys("service_name", "level", "node_id");

                // committed only after Loki's 2xx, so shortly after the receiver saw the entries
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                        assertThat(committed(bootstrap, group)).as("offsets committed by group %s", group).isEqualTo(50));

                // SIGTERM through the handle: Process.destroy() would also close the child's stdin, which its
                // parent watchdog takes for the parent's death (halt 99) before the shutdown hook is done.
                p.toHandle().destroy();
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exited on SIGTERM; log:\n%s", log()).isTrue();
                assertThat(p.exitValue()).as("exit status; log:\n%s", log()).isEqualTo(143);
                assertThat(log()).contains("Loki sink stopped");
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static long committed(String bootstrap, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return committed.values().stream().filter(java.util.Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    private String log() throws java.io.IOException {
        return Files.readString(dir.resolve("index.log"));
    }
}
