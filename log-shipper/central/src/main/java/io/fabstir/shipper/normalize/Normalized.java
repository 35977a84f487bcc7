package io.fabstir.shipper.normalize;

import java.time.Instant;
import java.util.List;

/**
 * The result of normalising one Kafka value: either a document ready to index, or a rejection for the DLQ.
 */
public sealed interface Normalized {

    /**
     * @param id        the document {@code _id} ({@code event.id}, or one derived from the Kafka position)
     * @param timestamp the instant that decides the daily index
     * @param source    the JSON document to index
     * @param repairs   what was changed (empty when the record was already clean)
     */
    record Document(String id, Instant timestamp, byte[] source, List<String> repairs) implements Normalized {
    }

    /**
     * @param errorType short machine-readable kind, e.g. {@code not_json}
     * @param reason    human-readable explanation
     */
    record Rejected(String errorType, String reason) implements Normalized {
    }
}
