package io.fabstir.shipper.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A hash of a file's first bytes: up to and including the first newline, at most {@link #MAX_BYTES}. The first line
 * never changes once written, so the fingerprint tells "the same file, grown" from "a new file at the same inode"
 * (inode reuse) or "the same inode, rewritten" (copytruncate).
 *
 * @param length bytes hashed
 * @param hash   hex SHA-256 prefix of those bytes
 */
public record Fingerprint(int length, String hash) {

    public static final int MAX_BYTES = 1024;
    private static final Fingerprint EMPTY = new Fingerprint(0, digest(new byte[0], 0));

    public Fingerprint {
        Objects.requireNonNull(hash, "hash");
    }

    /** Reads the file's first bytes (positional reads; the channel's position is untouched). */
    public static Fingerprint of(FileChannel ch) throws IOException {
        byte[] head = head(ch, MAX_BYTES);
        int n = head.length;
        for (int i = 0; i < head.length; i++) {
            if (head[i] == '\n') {
                n = i + 1;
                break;
            }
        }
        return n == 0 ? EMPTY : new Fingerprint(n, digest(head, n));
    }

    /** Complete once the first line ended or {@link #MAX_BYTES} were hashed; an incomplete one may still grow. */
    public boolean complete(FileChannel ch) throws IOException {
        if (length >= MAX_BYTES) {
            return true;
        }
        if (length == 0) {
            return false;
        }
        byte[] last = new byte[1];
        return ch.read(ByteBuffer.wrap(last), length - 1) == 1 && last[0] == '\n';
    }

    /** Whether the file still starts with the bytes this fingerprint was taken from. */
    public boolean matches(FileChannel ch) throws IOException {
        if (length == 0) {
            return true;
        }
        byte[] head = head(ch, length);
        return head.length == length && digest(head, length).equals(hash);
    }

    private static byte[] head(FileChannel ch, int max) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(max);
        long pos = 0;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r <= 0) {
                break;
            }
            pos += r;
        }
        byte[] out = new byte[buf.position()];
        buf.flip().get(out);
        return out;
    }

    private static String digest(byte[] bytes, int n) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(bytes, 0, n);
            return HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
