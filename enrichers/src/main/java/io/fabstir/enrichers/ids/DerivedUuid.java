package io.fabstir.enrichers.ids;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/**
 * A deterministic id: a UUIDv8 (RFC 9562 custom layout) holding the first 122 bits of SHA-256 over the parts fed in,
 * in order. The same source position (a line's host, file and offset; a contract event's chain, transaction and log
 * index) always gives the same id, so a record read twice is stored once. The exact bytes are pinned by known-answer
 * tests: changing how a part is encoded changes every stored id.
 *
 * <pre>{@code
 * UUID id = DerivedUuid.start().text(host).separator().text(fileIdentity).separator().number(offset).toUuid();
 * }</pre>
 */
public final class DerivedUuid {
    private final MessageDigest sha;
    private final ByteBuffer number = ByteBuffer.allocate(Long.BYTES);

    private DerivedUuid() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static DerivedUuid start() {
        return new DerivedUuid();
    }

    /** The text's UTF-8 bytes. */
    public DerivedUuid text(String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** One zero byte, between two texts (so "ab"+"c" and "a"+"bc" differ). */
    public DerivedUuid separator() {
        sha.update((byte) 0);
        return this;
    }

    /** Eight bytes, big-endian. */
    public DerivedUuid number(long n) {
        sha.update(number.clear().putLong(n).array());
        return this;
    }

    public UUID toUuid() {
        byte[] h = sha.digest();
        h[6] = (byte) ((h[6] & 0x0f) | 0x80); // version 8
        h[8] = (byte) ((h[8] & 0x3f) | 0x80); // RFC 9562 variant
        ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
        return new UUID(b.getLong(), b.getLong());
    }
}
