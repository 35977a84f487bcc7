package io.fabstir.shipper.checkpoint;

import java.util.Objects;

/**
 * What the checkpoint remembers of one file: its device and inode, the fingerprint of its first bytes, and the
 * offset before which every record has been acknowledged by Kafka.
 */
public record FilePosition(long device, long inode, Fingerprint fingerprint, long offset, String path) {

    public FilePosition {
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (offset < 0) {
            throw new IllegalArgumentException("offset < 0");
        }
    }

    /** Stable file identity used in derived event ids: {@code dev:ino:fingerprint}. */
    public String identity() {
        return device + ":" + inode + ":" + fingerprint.hash();
    }
}
