package io.fabstir.enrichers;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * Keeps a record's own {@code event.id}; gives a record without one an id derived from (host, file identity, byte
 * offset), so the same line re-read after a crash gets the same id and Elasticsearch stores it once.
 */
final class EventIds implements Enricher {

    static final String FIELD = "event.id";

    private final String host;

    EventIds(String host) {
        this.host = host == null ? "" : host;
    }

    @Override
    public void enrich(LogRecord record, RecordOrigin origin) {
        String own = record.text(FIELD);
        if (own != null && !own.isBlank()) {
            return;
        }
        record.put(FIELD, derive(host, origin.fileIdentity(), origin.offset()).toString());
        record.put("fabstir.event_id_source", "derived");
    }

    /** A UUIDv8 (RFC 9562 custom layout) holding the first 122 bits of SHA-256 over the three parts. */
    static UUID derive(String host, String fileIdentity, long offset) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update(host.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(fileIdentity.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(offset).array());
        byte[] h = sha.digest();
        h[6] = (byte) ((h[6] & 0x0f) | 0x80);
        h[8] = (byte) ((h[8] & 0x3f) | 0x80);
        ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
        return new UUID(b.getLong(), b.getLong());
    }
}
