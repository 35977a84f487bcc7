package io.fabstir.shipper.index;

import io.fabstir.shipper.identity.Provenance;
import io.fabstir.shipper.normalize.Normalized;
import io.fabstir.shipper.normalize.RecordNormalizer;
import io.fabstir.templates.clash.ClashCounter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Instant;

/**
 * The step between consuming a Kafka record and handing it to a sink: one policy for every sink, so a record gets
 * the same document, {@code _id} and {@code @timestamp} in Elasticsearch and in Loki. It sees the whole Kafka record
 * (topic, key, headers), so a stage that sets the node's identity from its topic, or resolves a field's type, goes
 * here. Called on the consumer thread only.
 */
public interface Transform {

    /** The document to store, or why the record cannot be stored (then it is dead-lettered). */
    Normalized apply(ConsumerRecord<byte[], byte[]> record);

    /**
     * When the record entered the pipeline, the same for every redelivery: a dead letter's daily index is chosen by
     * it, so a record dead-lettered twice lands in one index.
     */
    Instant entered(ConsumerRecord<byte[], byte[]> record);

    /**
     * The normaliser's repairs, timestamp window and id rules ({@link RecordNormalizer}), telling {@code clashes} of
     * each type clash repaired, then the identity stage: whose record it is ({@code fabstir.node_id}: the record's own
     * with {@link Provenance#selfDeclared()}, from the topic with per-node topics), its node-scoped {@code _id} and
     * content hash, claims kept and flagged.
     */
    static Transform identified(RecordNormalizer normalizer, Provenance provenance, ClashCounter clashes) {
        return new Transform() {
            @Override
            public Normalized apply(ConsumerRecord<byte[], byte[]> r) {
                // The record's Kafka timestamp, not the clock, anchors its timestamp window: a redelivery is judged alike.
                Normalized n = normalizer.normalize(r.value(), r.topic(), r.partition(), r.offset(), r.timestamp(),
                        clashes);
                return n instanceof Normalized.Document d ? provenance.apply(r.topic(), r.key(), r.value(), d) : n;
            }

            @Override
            public Instant entered(ConsumerRecord<byte[], byte[]> r) {
                return normalizer.reference(r.timestamp());
            }
        };
    }
}
