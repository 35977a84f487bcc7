package io.fabstir.shipper.sink;

import io.fabstir.shipper.normalize.Normalized;

/**
 * One destination of the central loop ({@code index}): Elasticsearch, Loki, or the next one. The loop consumes
 * Kafka, transforms each record once (the same document, {@code _id} and {@code @timestamp} for every sink), hands it
 * here, and commits a partition only up to the first record whose {@link Delivery} has not settled. A sink batches
 * inside itself (by count, bytes and linger), retries what failed for now, and says for each document, from any
 * thread and exactly once, whether it is stored or refused for good; the loop dead-letters what is refused.
 *
 * <p>A sink runs in its own consumer group (one loop per sink), so one destination's outage never holds back another.
 */
public interface Sink extends AutoCloseable {

    /** Short lower-case name: the {@code sink} label of the metrics and the DLQ's {@code fabstir.dlq.sink} header. */
    String name();

    /**
     * Takes one document and returns at once (the loop bounds memory by how many it leaves unsettled). The sink owns
     * the document until it calls {@code delivery}; it stops retrying once {@link Delivery#abandoned()} is true.
     */
    void submit(Normalized.Document document, Delivery delivery);

    /**
     * Keeps a dead letter in the sink's own store as well, if it has one (Elasticsearch: the daily DLQ index), besides
     * the DLQ topic the loop writes. By default there is none: settled at once.
     */
    default void submitDeadLetter(DeadLetter letter, Delivery delivery) {
        delivery.stored();
    }

    /** Sends what is buffered now instead of waiting for the linger (a clean stop). */
    void flush();

    /** Stops the sink; what it still holds is not acknowledged, so its records are consumed again later. */
    @Override
    void close();

    /** The fate of one document, reported by the sink. */
    interface Delivery {
        /** Durably in the destination (an earlier delivery of the same record counts). */
        void stored();

        /** Refused for good (a mapping error, a line the destination will never take): it is dead-lettered. */
        void rejected(String errorType, String reason);

        /** The record's partition moved to another consumer, which reads it again: stop retrying it. */
        boolean abandoned();
    }
}
