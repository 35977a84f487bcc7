package io.fabstir.shipper.index;

import io.fabstir.shipper.logging.LogExcerpt;
import io.fabstir.shipper.retry.Backoff;
import io.fabstir.shipper.normalize.Normalized;
import io.fabstir.shipper.sink.DeadLetter;
import io.fabstir.shipper.sink.Sink;
import io.fabstir.shipper.sink.SinkMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The loop's one dead-letter writer. A record its sink cannot store goes to the DLQ topic (raw key and value, the
 * reason in headers, and {@code fabstir.dlq.sink} naming the sink, since every sink's loop reads every record: a
 * record two sinks refuse is dead-lettered once by each, each copy saying which) and to the sink's own DLQ store, if it
 * has one. The record's ticket settles only when both have it; if either refuses it for good, the partition stops. A
 * DLQ topic that is only unavailable for now (broker down, not enough in-sync replicas, the producer's delivery
 * timeout) is retried with backoff for as long as the partition stays assigned: an outage must not stop a partition.
 */
final class DeadLetters implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    static final String REASON = "fabstir.dlq.reason";
    static final String ERROR_TYPE = "fabstir.dlq.error_type";
    static final String SOURCE = "fabstir.dlq.source";
    static final String SINK = "fabstir.dlq.sink";
    /** Headers are cut here (the sink's DLQ store keeps the whole reason): a huge header would fail the send. */
    static final int MAX_HEADER_CHARS = 4000;
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Sink sink;
    private final SinkMetrics metrics;
    /** Resends: never from the producer's own I/O thread, whose callbacks must not block on a send. */
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dlq-retry");
        t.setDaemon(true);
        return t;
    });

    DeadLetters(Producer<byte[], byte[]> producer, String topic, Sink sink, SinkMetrics metrics) {
        this.producer = producer;
        this.topic = topic;
        this.sink = sink;
        this.metrics = metrics;
    }

    /**
     * @param document the document the sink refused, null when the transform refused the record (not JSON, no
     *                 value, ...)
     * @param entered  when the record entered Kafka (see {@link Transform#entered})
     */
    void send(ConsumerRecord<byte[], byte[]> record, PartitionProgress.Ticket ticket, Normalized.Document document,
              Instant entered, String errorType, String reason) {
        Normalized.Identity who = document == null ? null : document.identity();
        DeadLetter letter = new DeadLetter(sink.name(), record.topic(), record.partition(), record.offset(), entered,
                who != null ? who.eventId() : document != null ? document.id() : null, errorType, reason,
                record.key(), record.value(), document == null ? null : document.id(), who == null ? null : who.node());
        log.warn("dead-lettering {} for sink {} ({}): {}", letter.source(), sink.name(), errorType,
                LogExcerpt.of(reason));
        AtomicInteger parts = new AtomicInteger(2);
        Runnable partDone = () -> {
            if (parts.decrementAndGet() == 0) {
                metrics.dlq(1);
                ticket.settle();
            }
        };
        RecordHeaders headers = new RecordHeaders();
        record.headers().forEach(headers::add);
        headers.add(REASON, header(reason));
        headers.add(ERROR_TYPE, header(errorType));
        headers.add(SOURCE, header(letter.source()));
        headers.add(SINK, header(sink.name()));
        toTopic(new ProducerRecord<>(topic, null, record.key(), record.value(), headers), ticket, letter.source(),
                partDone, 1);
        sink.submitDeadLetter(letter, new Sink.Delivery() {
            @Override
            public void stored() {
                partDone.run();
            }

            @Override
            public void rejected(String type, String why) {
                fatal(ticket, letter.source(), sink.name() + " refused the dead letter: " + type + " " + why);
            }

            @Override
            public boolean abandoned() {
                return ticket.abandoned();
            }
        });
    }

    private void toTopic(ProducerRecord<byte[], byte[]> letter, PartitionProgress.Ticket ticket, String source,
                         Runnable done, int attempt) {
        try {
            producer.send(letter, (md, e) -> {
                if (e == null) {
                    done.run();
                } else {
                    failedToTopic(letter, ticket, source, done, attempt, e);
                }
            });
        } catch (RuntimeException e) {
            failedToTopic(letter, ticket, source, done, attempt, e);
        }
    }

    private void failedToTopic(ProducerRecord<byte[], byte[]> letter, PartitionProgress.Ticket ticket, String source,
                               Runnable done, int attempt, Exception e) {
        if (!(e instanceof RetriableException)) {
            fatal(ticket, source, "DLQ topic " + topic + " refused it: " + e);
        } else if (ticket.abandoned()) {
            log.info("dead letter {} for DLQ topic {} dropped here: the partition moved to another indexer, which "
                    + "re-reads it from the last commit", source, topic);
        } else {
            long wait = BACKOFF.delayMs(attempt);
            metrics.retry();
            log.warn("DLQ topic {} unavailable for {} ({}); retrying in {} ms", topic, source, LogExcerpt.of(e), wait);
            try {
                retries.schedule(() -> toTopic(letter, ticket, source, done, attempt + 1), wait, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closing) {
                log.info("dead letter {} not retried: the indexer is stopping; it is re-read after restart", source);
            }
        }
    }

    /** Stops retrying; a dead letter not yet stored leaves its offset uncommitted, so it is read again. */
    @Override
    public void close() {
        retries.shutdownNow();
    }

    private static void fatal(PartitionProgress.Ticket ticket, String source, String why) {
        log.error("STOPPING partition {}: record {} could not be stored in the dead-letter queue: {}",
                ticket.progress.partition, source, LogExcerpt.of(why));
        ticket.fail(why);
    }

    private static byte[] header(String s) {
        String v = s.length() > MAX_HEADER_CHARS ? s.substring(0, MAX_HEADER_CHARS) + "…" : s;
        return v.getBytes(StandardCharsets.UTF_8);
    }
}
