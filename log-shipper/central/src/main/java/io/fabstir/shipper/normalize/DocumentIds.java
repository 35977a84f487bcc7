package io.fabstir.shipper.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The document id policy, one for every sink: the record's own {@code event.id} (flat or nested); without one, an id
 * derived from its Kafka position ({@code kafka-topic-partition-offset}), the same on every redelivery; over
 * Elasticsearch's 512-byte {@code _id} limit, {@code sha256-} and its hash. The exact forms are pinned by
 * {@code DerivedIdKnownAnswerTest}.
 */
final class DocumentIds {
    /** Elasticsearch caps {@code _id} at 512 bytes. */
    static final int MAX_ID_BYTES = 512;

    private DocumentIds() {
    }

    /** The document's id; writes a derived one into {@code doc} and says so in {@code repairs}. */
    static String of(ObjectNode doc, String topic, int partition, long offset, List<String> repairs) {
        JsonNode flat = doc.get("event.id");
        JsonNode nested = doc.path("event").path("id");
        JsonNode raw = flat != null ? flat : nested;
        String id = raw != null && raw.isValueNode() && !raw.isNull() ? raw.asText().trim() : "";
        if (id.isEmpty()) {
            id = "kafka-" + topic + "-" + partition + "-" + offset;
            if (doc.path("event").isObject()) {
                ((ObjectNode) doc.get("event")).put("id", id);
            } else {
                doc.put("event.id", id);
            }
            repairs.add("event_id_derived");
        } else if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            id = "sha256-" + sha256(id); // Elasticsearch caps _id at 512 bytes
            repairs.add("event_id_hashed");
        }
        return id;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
