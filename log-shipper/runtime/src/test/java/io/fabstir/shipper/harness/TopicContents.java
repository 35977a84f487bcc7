package io.fabstir.shipper.harness;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
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

/**
 * Reads a topic from the beginning, accumulating every record, until a condition holds or time runs out. Values
 * that are not JSON (a DLQ holds such) are kept raw and appear as missing nodes among the JSON ones.
 */
public final class TopicContents implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<JsonNode> records = new ArrayList<>();
    private final List<String> keys = new ArrayList<>();
    private final List<ConsumerRecord<byte[], byte[]>> raw = new ArrayList<>();

    public TopicContents(String bootstrap, String topic) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("max.partition.fetch.bytes", 8 << 20);
        consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Records read so far, as JSON. */
    public List<JsonNode> records() {
        return records;
    }

    public List<String> keys() {
        return keys;
    }

    /** Records read so far, as Kafka gave them (headers included). */
    public List<ConsumerRecord<byte[], byte[]>> raw() {
        return raw;
    }

    /** Polls until {@code done} accepts the records read so far; false on timeout. */
    public boolean readUntil(Predicate<List<JsonNode>> done, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(records)) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            pollOnce(Duration.ofMillis(500));
        }
        return true;
    }

    /** Reads whatever else arrives within {@code quiet}. */
    public void drain(Duration quiet) {
        long deadline = System.nanoTime() + quiet.toNanos();
        while (System.nanoTime() - deadline < 0) {
            pollOnce(Duration.ofMillis(200));
        }
    }

    private void pollOnce(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            raw.add(r);
            records.add(parse(r.value()));
            keys.add(r.key() == null ? null : new String(r.key()));
        }
    }

    private static JsonNode parse(byte[] value) {
        if (value == null) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode n = JSON.readTree(value);
            return n == null ? MissingNode.getInstance() : n;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    public List<String> eventIds() {
        return records.stream().map(n -> n.path("event.id").asText()).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
