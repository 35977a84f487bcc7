package io.fabstir.shipper.tail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Reads a topic from the beginning, accumulating every record, until a condition holds or time runs out. */
final class TopicContents implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<byte[], byte[]> consumer;
    final List<JsonNode> records = new ArrayList<>();
    final List<String> keys = new ArrayList<>();

    TopicContents(String bootstrap, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("max.partition.fetch.bytes", 8 << 20);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Polls until {@code done} accepts the records read so far; false on timeout. */
    boolean readUntil(Predicate<List<JsonNode>> done, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(records)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                records.add(JSON.readTree(r.value()));
                keys.add(r.key() == null ? null : new String(r.key()));
            }
        }
        return true;
    }

    /** Reads whatever else arrives within {@code quiet}. */
    void drain(Duration quiet) throws IOException {
        long deadline = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                records.add(JSON.readTree(r.value()));
                keys.add(r.key() == null ? null : new String(r.key()));
            }
        }
    }

    List<String> eventIds() {
        return records.stream().map(n -> n.path("event.id").asText()).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
