package io.fabstir.shipper.normalize;

import java.time.Instant;
import java.util.List;

/**
 * The result of normalising one Kafka value: either a document ready to index, or a rejection for the DLQ.
 */
public sealed interface Normalized {

    /**
     * @param id        the document {@code _id}: scoped by node once the record's {@link Identity} is known (see
     *                  {@code io.fabstir.shipper.identity}); the normaliser alone gives the record's own
     *                  {@code event.id}, or one derived from the Kafka position
     * @param timestamp the instant that decides the daily index
     * @param source    the JSON document to index
     * @param repairs   what was changed (empty when the record was already clean)
     * @param identity  whose record it is and how to tell it from another under the same {@code event.id}; null
     *                  before the identity stage
     */
    record Document(String id, Instant timestamp, byte[] source, List<String> repairs, Identity identity)
            implements Normalized {

        public Document(String id, Instant timestamp, byte[] source, List<String> repairs) {
            this(id, timestamp, source, repairs, null);
        }
    }

    /**
     * Whose record a document is, decided centrally.
     *
     * @param node        the node the record is stored as ({@code fabstir.node_id}): the identity of the topic it
     *                    was read from, or the record's own claim where the topic says nothing
     * @param eventId     the record's event id, before scoping
     * @param contentHash what makes the record "the same record" on a re-send (hex), null if unknown
     * @param reuseId     the {@code _id} the record is stored under when its {@code id} is already taken by a
     *                    different record of the same node; null: a taken id means this record is stored
     * @param flags       what the identity stage flagged ({@code fabstir.flags}), e.g. {@code claimed_other_node}
     */
    record Identity(String node, String eventId, String contentHash, String reuseId, List<String> flags) {
    }

    /**
     * @param errorType short machine-readable kind, e.g. {@code not_json}
     * @param reason    human-readable explanation
     */
    record Rejected(String errorType, String reason) implements Normalized {
    }
}
