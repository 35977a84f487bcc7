package io.fabstir.enrichers;

import java.time.Instant;
import java.util.Objects;

/**
 * Where a record was read: the identity of the file (device, inode and fingerprint of its first bytes, stable
 * across restarts and different after copytruncate or inode reuse), its path, the byte offset the record starts
 * at, and when it was read. Enrichers use it to derive ids and ingest times deterministically.
 *
 * @param fileIdentity stable identity of the source file, e.g. {@code "2049:131842:9f86d081"}
 * @param path         the path the file had when read (informational; it changes on rotation)
 * @param offset       byte offset of the record's first byte in the file
 * @param ingestTime   when the shipper read the record
 */
public record RecordOrigin(String fileIdentity, String path, long offset, Instant ingestTime) {

    public RecordOrigin {
        Objects.requireNonNull(fileIdentity, "fileIdentity");
        Objects.requireNonNull(ingestTime, "ingestTime");
    }

    /** For records that do not come from a file (tests, in-process callers). */
    public static RecordOrigin inMemory(String source, long sequence) {
        return new RecordOrigin(source, null, sequence, Instant.now());
    }
}
