package io.fabstir.localservices;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("integration")
class TopicCreationTest {

    /** No retries: a write that reaches a partition the broker has not created yet fails instead of being retried. */
    @Test
    void everyPartitionTakesWritesAsSoonAsCreateTopicReturns() throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedServices.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.RETRIES_CONFIG, 0), new StringSerializer(), new StringSerializer())) {
            for (int round = 0; round < 5; round++) {
                String topic = "created-" + UUID.randomUUID();
                SharedServices.kafka().createTopic(topic, 12);
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int p = 0; p < 12; p++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, p, "k", "v")));
                }
                for (Future<RecordMetadata> f : sent) {
                    f.get(30, TimeUnit.SECONDS); // throws NotLeaderOrFollowerException if the partition was not there
                }
            }
        }
    }
}
