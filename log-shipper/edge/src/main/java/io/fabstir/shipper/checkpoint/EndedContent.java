package io.fabstir.shipper.checkpoint;

import java.util.Objects;

/**
 * Content that left its file (truncated by copytruncate, or rewritten in place) before a copy of it was found: its
 * identity, the fingerprint of its first line, and the offset before which Kafka acknowledged every record of it.
 * Kept in the checkpoint so that a copy found after a restart continues it there, under the same identity.
 */
public record EndedContent(String identity, Fingerprint fingerprint, long offset) {

    public EndedContent {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (offset < 0) {
            throw new IllegalArgumentException("offset < 0");
        }
    }
}
