package io.fabstir.localservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class ChildBrokerKillTest {

    @Test
    void everyAcknowledgedRecordSurvivesSigkillAndRestartOfTheBroker(@TempDir Path dir) throws Exception {
        try (LocalKafka broker = LocalKafka.childProcess(dir.resolve("kafka"))) {
            String bootstrap = broker.bootstrapServers();
            broker.createTopic("survive", 2);
            ConcurrentLinkedQueue<Integer> acked = new ConcurrentLinkedQueue<>();
            AtomicInteger failed = new AtomicInteger();
            int sent = 0;
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ProducerConfig.ACKS_CONFIG, "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.LINGER_MS_CONFIG, 2,
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000), new StringSerializer(), new StringSerializer())) {
                long killAt = 0;
                Thread restarter = null;
                // Keep producing while the broker is killed and restarted: the kill lands mid-stream.
                while (sent < 30_000) {
                    int n = sent++;
                    producer.send(new ProducerRecord<>("survive", Integer.toString(n), Integer.toString(n)), (md, e) -> {
                        if (e == null) acked.add(n); else failed.incrementAndGet();
                    });
                    if (sent == 10_000) {
                        producer.flush();
                        killAt = acked.size();
                        broker.kill();
                        // Restart from another thread: send() blocks on metadata while the broker is down.
                        Thread restart = new Thread(() -> {
                            LocalKafka.sleep(500);
                            broker.start();
                        }, "broker-restart");
                        restart.start();
                        restarter = restart;
                    }
                    if (sent % 1000 == 0) Thread.sleep(5);
                }
                producer.flush();
                restarter.join();
                assertThat(killAt).isEqualTo(10_000);
            }
            assertThat(acked.size() + failed.get()).isEqualTo(sent);
            assertThat(acked.size()).isGreaterThanOrEqualTo(10_000);

            // Kill once more after the acks, then restart: acknowledged means on the broker's disk (page cache).
            broker.kill();
            broker.start();
            assertThat(broker.bootstrapServers()).isEqualTo(bootstrap);

            BitSet seen = new BitSet();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "survive-check",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("survive"));
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                BitSet wanted = new BitSet();
                acked.forEach(wanted::set);
                while (System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                        seen.set(Integer.parseInt(r.value()));
                    }
                    BitSet missing = (BitSet) wanted.clone();
                    missing.andNot(seen);
                    if (missing.isEmpty()) break;
                }
            }
            BitSet missing = new BitSet();
            acked.forEach(missing::set);
            missing.andNot(seen);
            assertThat(missing.cardinality()).as("acknowledged records lost: %s", missing).isZero();
        }
    }
}
