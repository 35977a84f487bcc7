package io.fabstir.shipper.kafka;

import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.config.EdgeConfig;
import io.fabstir.shipper.security.KafkaClientSecurity;
import io.fabstir.shipper.tail.RecordSink;
import org.apache.kafka.common.KafkaException;
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
    private final KafkaClientSecurity security;

    private KafkaRecordSink(Map<String, Object> props, String topic, String key, KafkaClientSecurity security) {
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.key = key.getBytes(StandardCharsets.UTF_8);
        this.security = security;
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
                overrides), topic, nodeId, KafkaClientSecurity.none());
    }

    /** The edge's producer as configured: its topic, key and producer properties, {@code kafka.security.*} included. */
    public static KafkaRecordSink create(EdgeConfig cfg) {
        return new KafkaRecordSink(properties(cfg.bootstrapServers(), "fabstir-shipper-" + cfg.nodeId(),
                cfg.maxRecordBytes(), cfg.producerProperties()), cfg.topic(), cfg.nodeId(), cfg.kafkaSecurity());
    }

    /**
     * Connects, authenticates and looks the topic up once (waiting at most {@code max.block.ms}), so that a refused
     * credential, an untrusted certificate or a missing ACL stops the edge at start, naming the setting to fix, before
     * it reads anything. A broker that is merely down is no error: the edge keeps its lines until it is back.
     *
     * @return null when the topic is reachable, else why not (the broker is down or still starting)
     * @throws ConfigException when Kafka refused this client
     */
    public String verify() {
        try {
            producer.partitionsFor(topic);
            return null;
        } catch (KafkaException e) {
            ConfigException refused = security.explain(e);
            if (refused != null) {
                throw refused;
            }
            return e.toString();
        }
    }

    @Override
    public void send(byte[] value, Delivery delivery) {
        producer.send(new ProducerRecord<>(topic, key, value), (meta, e) -> {
            if (e == null) {
                delivery.acknowledged();
            } else {
                ConfigException refused = security.explain(e);
                // A refusal (revoked credential, removed ACL) says which setting to fix; the record is kept either way.
                delivery.failed(refused == null ? e : new KafkaException(refused.getMessage(), e));
            }
        });
    }

    @Override
    public void close(Duration timeout) {
        producer.close(timeout);
    }

}
