package io.fabstir.localservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabstir.localservices.tls.TestCa;

/** One secured 3-broker cluster for the class: the fault helpers on the configuration the product runs. */
@Tag("integration")
class KafkaClusterTest {
    @TempDir
    static Path dir;
    private static KafkaCluster cluster;

    @BeforeAll
    static void start() {
        cluster = KafkaCluster.builder().dir(dir.resolve("kafka"))
                .security(KafkaSecurity.of(TestCa.create(dir.resolve("ca")))).start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void topicsAreReplicatedThreeTimesWithMinIsrTwo() throws Exception {
        cluster.createTopic("replicated", 1);
        assertThat(cluster.isr("replicated", 0)).containsExactlyInAnyOrder(1, 2, 3);
        try (var admin = cluster.admin()) {
            var config = admin.describeConfigs(List.of(new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, "replicated"))).all().get(30, TimeUnit.SECONDS);
            assertThat(config.values().iterator().next().get("min.insync.replicas").value()).isEqualTo("2");
        }
    }

    @Test
    void acksAllProducingGoesOnWhileALeaderIsKilledAndEveryAckedRecordIsKept() throws Exception {
        String topic = "survives-kill";
        cluster.createTopic(topic, 3);
        int victim = cluster.leader(topic, 0);
        try (KafkaProducer<String, String> producer = producer()) {
            send(producer, topic, 0, 500);
            cluster.kill(victim);
            send(producer, topic, 500, 1000);
            cluster.start(victim);
        }
        cluster.awaitInSync(topic, Duration.ofSeconds(60));
        assertThat(consumeValues(topic, 1000)).hasSize(1000);
    }

    @Test
    void anIsolatedBrokerIsFencedOutOfTheIsrAndRejoinsWhenHealed() throws Exception {
        String topic = "survives-partition";
        cluster.createTopic(topic, 1);
        int isolated = cluster.leader(topic, 0);
        cluster.isolate(isolated);
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((cluster.leader(topic, 0) == isolated || cluster.isr(topic, 0).contains(isolated))
                    && System.nanoTime() < deadline) {
                LocalKafka.sleep(200);
            }
            assertThat(cluster.leader(topic, 0)).isNotEqualTo(isolated).isNotEqualTo(-1);
            assertThat(cluster.isr(topic, 0)).hasSize(2).doesNotContain(isolated);
            try (KafkaProducer<String, String> producer = producer()) {
                send(producer, topic, 0, 100);
            }
        } finally {
            cluster.heal(isolated);
        }
        cluster.awaitInSync(topic, Duration.ofSeconds(60));
        assertThat(cluster.isr(topic, 0)).contains(isolated);
    }

    private static KafkaProducer<String, String> producer() {
        Map<String, Object> p = cluster.security().adminProperties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // A request to a broker that went silent is given up after 5 s instead of 30 s, then retried elsewhere.
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 2_000);
        p.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** Sends values [from, to) and waits for every acknowledgement (a failed send fails the test). */
    private static void send(KafkaProducer<String, String> producer, String topic, int from, int to) throws Exception {
        List<java.util.concurrent.Future<?>> acks = new java.util.ArrayList<>();
        for (int i = from; i < to; i++) acks.add(producer.send(new ProducerRecord<>(topic, Integer.toString(i), "v" + i)));
        for (var ack : acks) ack.get(120, TimeUnit.SECONDS);
    }

    private static Set<String> consumeValues(String topic, int expected) {
        Map<String, Object> c = cluster.security().adminProperties();
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "check-" + topic);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Set<String> values = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) values.add(r.value());
            }
        }
        return values;
    }
}
