package io.fabstir.shipper.identity;

import io.fabstir.enrichers.ids.DerivedUuid;

/**
 * The stored {@code _id} of a record, scoped by node, so no node can take (and thereby suppress) another's id:
 * <ul>
 *   <li>{@link #document}: UUIDv8 over ({@code "fabstir.doc"}, node, event id) for the first record stored under an
 *       event id;</li>
 *   <li>{@link #reused}: UUIDv8 over ({@code "fabstir.reused"}, node, event id, content hash) for a different record
 *       of the same node under an event id already taken: derived from its content, so re-delivering it finds it
 *       again and never stores it twice.</li>
 * </ul>
 * Parts are joined with a zero byte ({@link DerivedUuid}); the leading label keeps the two kinds apart. The exact
 * values are pinned by {@code ScopedIdKnownAnswerTest}: changing them changes every stored id.
 */
public final class ScopedIds {
    private ScopedIds() {
    }

    public static String document(String node, String eventId) {
        return DerivedUuid.start().text("fabstir.doc").separator().text(node).separator().text(eventId)
                .toUuid().toString();
    }

    public static String reused(String node, String eventId, String contentHash) {
        return DerivedUuid.start().text("fabstir.reused").separator().text(node).separator().text(eventId)
                .separator().text(contentHash).toUuid().toString();
    }
}
