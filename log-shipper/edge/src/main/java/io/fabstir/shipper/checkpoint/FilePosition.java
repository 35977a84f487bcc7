package io.fabstir.shipper.checkpoint;

import java.util.Objects;

/**
 * What the checkpoint remembers of one file: its device and inode, the fingerprint of its first bytes, the offset
 * before which every record has been acknowledged by Kafka, and, for a copy that continues truncated content
 * (copytruncate), the identity of that content.
 *
 * @param origin identity of the content this file continues, or null when it has its own
 */
public record FilePosition(long device, long inode, Fingerprint fingerprint, long offset, String path, String origin) {

    public FilePosition {
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (offset < 0) {
            throw new IllegalArgumentException("offset < 0");
        }
    }

    public FilePosition(long device, long inode, Fingerprint fingerprint, long offset, String path) {
        this(device, inode, fingerprint, offset, path, null);
    }

    /** Stable identity used in derived event ids: {@code dev:ino:fingerprint}, or the origin's for a copy. */
    public String identity() {
        return origin != null ? origin : device + ":" + inode + ":" + fingerprint.hash();
    }
}
