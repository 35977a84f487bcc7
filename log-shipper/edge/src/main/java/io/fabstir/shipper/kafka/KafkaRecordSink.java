package io.fabstir.shipper.kafka;

import io.fabstir.shipper.tail.RecordSink;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Produces records to one topic, keyed by node id so each node's records stay in order on one partition. Defaults
 * favour never losing a record: idempotence, {@code acks=all}, unbounded retries within
 * {@code delivery.timeout.ms} (the tailer re-sends anything that still fails). Any producer property can be
 * overridden.
 */
public final class KafkaRecordSink implements RecordSink {

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final byte[] key;

    private KafkaRecordSink(Map<String, Object> props, String topic, String key) {
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.key = key.getBytes(StandardCharsets.UTF_8);
    }

    /** The effective producer properties: defaults, then {@code overrides}. */
    public static Map<String, Object> properties(String bootstrapServers, String clientId, int maxRecordBytes,
                                                 Map<String, String> overrides) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(Math.max(1_048_576, maxRecordBytes + 1024)));
        // A send blocked on missing metadata would stall the reader loop; fail fast and let the tailer retry.
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "2000");
        p.putAll(overrides);
        return p;
    }

    public static KafkaRecordSink create(String bootstrapServers, String topic, String nodeId, int maxRecordBytes,
                                         Map<String, String> overrides) {
        return new KafkaRecordSink(properties(bootstrapServers, "fabstir-shipper-" + nodeId, maxRecordBytes,
                overrides), topic, nodeId);
    }

    @Override
    public void send(byte[] value, Delivery delivery) {
        producer.send(new ProducerRecord<>(topic, key, value), (meta, e) -> {
            if (e == null) {
                delivery.acknowledged();
            } else {
                delivery.failed(e);
            }
        });
    }

    @Override
    public void close(Duration timeout) {
        producer.close(timeout);
    }

}
