package io.fabstir.shipper.sink.loki;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes records Loki will not take to the DLQ topic, raw value and key unchanged, reason in headers
 * (TEAM.md: {@code fabstir.dlq.reason}, {@code fabstir.dlq.error_type}, {@code fabstir.dlq.source}).
 */
final class DeadLetters implements AutoCloseable {

    static final String REASON = "fabstir.dlq.reason";
    static final String ERROR_TYPE = "fabstir.dlq.error_type";
    static final String SOURCE = "fabstir.dlq.source";
    static final String SINK = "fabstir.dlq.sink";

    /** One record bound for the DLQ. */
    record Letter(LogEntry.Source source, String errorType, String reason) {}

    private final Producer<byte[], byte[]> producer;
    private final String topic;

    DeadLetters(Map<String, Object> producerProps, String topic) {
        Map<String, Object> props = new java.util.HashMap<>(producerProps);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "fabstir-loki-dlq");
        this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        this.topic = topic;
    }

    /** Sends all and waits for Kafka's acknowledgement: only then may the source offsets be committed. */
    void sendAll(List<Letter> letters) throws InterruptedException {
        List<Future<RecordMetadata>> acks = new ArrayList<>(letters.size());
        for (Letter l : letters) {
            ProducerRecord<byte[], byte[]> rec = new ProducerRecord<>(topic, null, l.source().key(), l.source().value());
            rec.headers().add(REASON, utf8(l.reason()));
            rec.headers().add(ERROR_TYPE, utf8(l.errorType()));
            rec.headers().add(SOURCE, utf8(l.source().describe()));
            rec.headers().add(SINK, utf8(LokiMetrics.SINK));
            acks.add(producer.send(rec));
        }
        for (Future<RecordMetadata> f : acks) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("DLQ write to " + topic + " failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private static byte[] utf8(String s) {
        String v = s.length() > 4000 ? s.substring(0, 4000) + "…" : s;
        return v.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
