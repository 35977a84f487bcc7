package io.fabstir.otel.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends each record straight to Kafka (topic {@code fabstir.logs}, key = node id so one node's records stay in
 * order). Idempotent producer, {@code acks=all}, compressed; any producer property can be added with
 * {@code <producerConfig>name=value</producerConfig>}. Meant to sit behind a {@link FabstirAsyncAppender}: a send
 * only waits for buffer space, and failed sends are counted ({@link #failedCount()}) and reported to Logback's
 * status, not logged (the producer's own logs are not sent to Kafka either, which would loop).
 */
public class KafkaAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private Encoder<ILoggingEvent> encoder;
    private String bootstrapServers = "localhost:9092";
    private String topic = "fabstir.logs";
    private String key;
    private final Map<String, Object> producerConfig = new HashMap<>();
    private final LongAdder failed = new LongAdder();
    private Producer<byte[], byte[]> producer;
    private byte[] keyBytes;

    @Override
    public void start() {
        if (encoder == null) {
            addError("no encoder set for Kafka appender " + getName());
            return;
        }
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "gzip");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "fabstir-logback-" + (getName() == null ? "kafka" : getName()));
        config.putAll(producerConfig);
        keyBytes = key == null || key.isBlank() ? null : key.getBytes(StandardCharsets.UTF_8);
        try {
            producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        } catch (RuntimeException e) {
            addError("cannot create Kafka producer for " + bootstrapServers, e);
            return;
        }
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        if (producer != null) {
            producer.close(java.time.Duration.ofSeconds(5));
            producer = null;
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        String logger = event.getLoggerName();
        if (logger != null && logger.startsWith("org.apache.kafka")) {
            return; // the producer logging about itself must not feed itself
        }
        byte[] line = encoder.encode(event);
        int n = line.length;
        byte[] value = n > 0 && line[n - 1] == '\n' ? Arrays.copyOf(line, n - 1) : line;
        try {
            producer.send(new ProducerRecord<>(topic, keyBytes, value), (meta, error) -> {
                if (error != null) {
                    failed.increment();
                    addWarn("Kafka send to " + topic + " failed: " + error);
                }
            });
        } catch (RuntimeException e) {
            failed.increment();
            addWarn("Kafka send to " + topic + " failed: " + e);
        }
    }

    /** Records that could not be sent. */
    public long failedCount() {
        return failed.sum();
    }

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public void setTopic(String topic) {
        this.topic = topic;
    }

    /** Record key, normally the node id. */
    public void setKey(String key) {
        this.key = key;
    }

    /** One {@code name=value} Kafka producer property; repeat for more. */
    public void addProducerConfig(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            addError("producerConfig must be name=value: " + spec);
            return;
        }
        producerConfig.put(spec.substring(0, eq).trim(), spec.substring(eq + 1).trim());
    }
}
