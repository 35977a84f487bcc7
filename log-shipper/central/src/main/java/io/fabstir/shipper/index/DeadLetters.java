package io.fabstir.shipper.index;

import io.fabstir.shipper.logging.LogExcerpt;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchSink;
import io.fabstir.shipper.sink.elasticsearch.IndexNames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends a record that cannot be indexed to both dead-letter stores: the Kafka topic (raw value, reason in headers)
 * and the daily DLQ index (raw value as an unindexed string, reason, error type, source position). The record's
 * ticket settles only when both have acknowledged; if either refuses it for good, the partition stops. A DLQ topic
 * that is only unavailable for now (broker down, not enough in-sync replicas, the producer's delivery timeout) is
 * retried with backoff for as long as the partition stays assigned: an outage must not stop a partition for good.
 *
 * <p>A dead letter is stored once however often its record arrives: its {@code _id} is the record's
 * {@code event.id} (the edge re-sends a line after a crash as a new Kafka record, at another offset), else its Kafka
 * position, and its daily DLQ index is the day the record entered Kafka, which every redelivery carries, not the
 * day it happens to be dead-lettered.
 */
final class DeadLetters {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    static final String REASON = "fabstir.dlq.reason";
    static final String ERROR_TYPE = "fabstir.dlq.error_type";
    static final String SOURCE = "fabstir.dlq.source";
    /** Payloads above this are cut in the DLQ index (the Kafka DLQ topic keeps them whole). */
    static final int MAX_PAYLOAD_CHARS = 32_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long FIRST_RETRY_MS = 500;
    private static final long MAX_RETRY_MS = 30_000;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final ElasticsearchSink sink;
    private final IndexNames names;
    private final IndexerMetrics metrics;
    /** Resends: never from the producer's own I/O thread, whose callbacks must not block on a send. */
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dlq-retry");
        t.setDaemon(true);
        return t;
    });

    DeadLetters(Producer<byte[], byte[]> producer, String topic, ElasticsearchSink sink, IndexNames names,
                IndexerMetrics metrics) {
        this.producer = producer;
        this.topic = topic;
        this.sink = sink;
        this.names = names;
        this.metrics = metrics;
    }

    /**
     * @param eventId the record's {@code event.id} when it was read as a document (then Elasticsearch refused it),
     *                null when it was refused before (not JSON, no value, ...)
     * @param entered when the record entered Kafka (see {@code RecordNormalizer#reference})
     */
    void send(ConsumerRecord<byte[], byte[]> record, PartitionProgress.Ticket ticket, String eventId,
              Instant entered, String errorType, String reason) {
        String source = record.topic() + "/" + record.partition() + "/" + record.offset();
        log.warn("dead-lettering {} ({}): {}", source, errorType, LogExcerpt.of(reason));
        AtomicInteger parts = new AtomicInteger(2);
        Runnable partDone = () -> {
            if (parts.decrementAndGet() == 0) {
                metrics.dlq();
                ticket.settle();
            }
        };
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        headers.add(REASON, bytes(reason));
        headers.add(ERROR_TYPE, bytes(errorType));
        headers.add(SOURCE, bytes(source));
        toTopic(new ProducerRecord<>(topic, null, record.key(), record.value(), headers), ticket, source, partDone,
                FIRST_RETRY_MS);

        String dlqId = eventId != null ? eventId
                : "dlq-" + record.topic() + "-" + record.partition() + "-" + record.offset();
        sink.submit(names.name(entered), dlqId, document(record, eventId, entered, errorType, reason, source),
                new ElasticsearchSink.Outcome() {
                    @Override
                    public void stored(boolean alreadyThere) {
                        partDone.run();
                    }

                    @Override
                    public void rejected(String type, String why) {
                        fatal(ticket, source, "DLQ index refused it: " + type + " " + why);
                    }

                    @Override
                    public boolean abandoned() {
                        return ticket.abandoned();
                    }
                });
    }

    private void toTopic(ProducerRecord<byte[], byte[]> letter, PartitionProgress.Ticket ticket, String source,
                         Runnable done, long backoffMs) {
        try {
            producer.send(letter, (md, e) -> {
                if (e == null) {
                    done.run();
                } else {
                    failedToTopic(letter, ticket, source, done, backoffMs, e);
                }
            });
        } catch (RuntimeException e) {
            failedToTopic(letter, ticket, source, done, backoffMs, e);
        }
    }

    private void failedToTopic(ProducerRecord<byte[], byte[]> letter, PartitionProgress.Ticket ticket, String source,
                               Runnable done, long backoffMs, Exception e) {
        if (!(e instanceof RetriableException)) {
            fatal(ticket, source, "DLQ topic " + topic + " refused it: " + e);
        } else if (ticket.abandoned()) {
            log.info("dead letter {} for DLQ topic {} dropped here: the partition moved to another indexer, which "
                    + "re-reads it from the last commit", source, topic);
        } else {
            long wait = backoffMs / 2 + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1);
            log.warn("DLQ topic {} unavailable for {} ({}); retrying in {} ms", topic, source, LogExcerpt.of(e), wait);
            try {
                retries.schedule(() -> toTopic(letter, ticket, source, done, Math.min(backoffMs * 2, MAX_RETRY_MS)),
                        wait, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                log.info("dead letter {} not retried: the indexer is stopping; it is re-read after restart", source);
            }
        }
    }

    /** Stops retrying; a dead letter not yet stored leaves its offset uncommitted, so it is read again. */
    void close() {
        retries.shutdownNow();
    }

    private static byte[] document(ConsumerRecord<byte[], byte[]> record, String eventId, Instant entered,
                                   String errorType, String reason, String source) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("@timestamp", entered.toString());
        doc.put("event.ingested", entered.toString());
        if (eventId != null) {
            doc.put("event.id", eventId);
        }
        if (record.key() != null) {
            doc.put("fabstir.node_id", new String(record.key(), StandardCharsets.UTF_8));
        }
        doc.put("fabstir.dlq.reason", reason);
        doc.put("fabstir.dlq.error_type", errorType);
        String payload = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
        if (payload.length() > MAX_PAYLOAD_CHARS) {
            doc.put("fabstir.dlq.payload", payload.substring(0, MAX_PAYLOAD_CHARS));
            doc.put("fabstir.dlq.payload_truncated", true);
        } else {
            doc.put("fabstir.dlq.payload", payload);
        }
        doc.put("fabstir.dlq.source.topic", record.topic());
        doc.put("fabstir.dlq.source.partition", record.partition());
        doc.put("fabstir.dlq.source.offset", record.offset());
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void fatal(PartitionProgress.Ticket ticket, String source, String why) {
        log.error("STOPPING partition {}: record {} could not be stored in the dead-letter queue: {}",
                ticket.progress.partition, source, LogExcerpt.of(why));
        ticket.fail(why);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
