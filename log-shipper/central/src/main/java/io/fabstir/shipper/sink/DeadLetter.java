package io.fabstir.shipper.sink;

import java.time.Instant;

/**
 * A record the loop could not store in a sink, with why. Its {@link #id()} is the same for every redelivery of the
 * record: its document's node-scoped id when it was read as a document, else its Kafka position
 * ({@code dlq-topic-p-o}).
 *
 * @param sink      the sink that refused it (or that the record was bound for, when the transform refused it)
 * @param entered   when the record entered Kafka, which decides the DLQ's daily index
 * @param eventId   the record's {@code event.id}, null when it could not be read as a document
 * @param key       the Kafka key (the node id), raw
 * @param value     the Kafka value, raw
 * @param documentId the document's node-scoped {@code _id}, null when it could not be read as a document
 * @param node      the node the record is from as the transform decided, null when unknown (then: the key)
 */
public record DeadLetter(String sink, String topic, int partition, long offset, Instant entered, String eventId,
                         String errorType, String reason, byte[] key, byte[] value, String documentId, String node) {

    /** Stable across redeliveries, so a dead letter read twice is stored once; scoped by node like documents. */
    public String id() {
        return documentId != null ? documentId : eventId != null ? eventId : "dlq-" + topic + "-" + partition + "-" + offset;
    }

    /** {@code topic/partition/offset}, the {@code fabstir.dlq.source} header. */
    public String source() {
        return topic + "/" + partition + "/" + offset;
    }
}
