package io.fabstir.otel.logging;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable UTF-8 byte buffer with hand-written JSON output. One instance per thread is reused for every record:
 * this is the logging hot path, and writing bytes directly (no intermediate String, no JsonGenerator, no
 * per-event char[]/byte[] beyond the final copy) is what keeps the encoder's cost and garbage low.
 */
final class JsonBuffer {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    /** Per-character escape for ASCII: 0 = as is, 'u' = \\u00XX, else the letter after the backslash. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = 'u';
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
        ESCAPE['\t'] = 't';
        ESCAPE['\b'] = 'b';
        ESCAPE['\f'] = 'f';
    }

    private static final int INITIAL = 1024;
    /** A thread that once logged a huge record should not keep a huge buffer forever. */
    private static final int RETAIN_LIMIT = 64 * 1024;

    byte[] buf = new byte[INITIAL];
    private char[] cbuf = new char[256];
    int len;
    /** Set when a field just written ended a truncated string. */
    boolean truncated;

    void reset() {
        if (buf.length > RETAIN_LIMIT) {
            buf = new byte[INITIAL];
        }
        len = 0;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, len);
    }

    void ensure(int extra) {
        int need = len + extra;
        if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, buf.length * 2));
        }
    }

    void raw(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    void raw(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, len, bytes.length);
        len += bytes.length;
    }

    /** ASCII text known to need no escaping (field names built at configuration time go through bytes). */
    void ascii(String s) {
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    void quoted(CharSequence s, int maxChars) {
        raw((byte) '"');
        chars(s, 0, s.length(), maxChars);
        raw((byte) '"');
    }

    /**
     * Writes the JSON-escaped UTF-8 form of s[from,to), at most maxChars characters, followed by "…" when cut.
     * Control characters become \\uXXXX (or \\n etc.), lone surrogates become \\uXXXX so output is always valid.
     */
    void chars(CharSequence s, int from, int to, int maxChars) {
        int end = to;
        boolean cut = false;
        if (maxChars >= 0 && to - from > maxChars) {
            end = from + maxChars;
            if (end > from && Character.isHighSurrogate(s.charAt(end - 1))) {
                end--; // never split a surrogate pair
            }
            cut = true;
        }
        int n = end - from;
        ensure(n * 6 + 4);
        char[] cb = cbuf;
        if (cb.length < n) {
            cb = n <= RETAIN_LIMIT ? (cbuf = new char[Math.max(n, cb.length * 2)]) : new char[n];
        }
        if (s instanceof String str) {
            str.getChars(from, end, cb, 0); // an intrinsic bulk copy
        } else {
            for (int k = 0; k < n; k++) {
                cb[k] = s.charAt(from + k);
            }
        }
        if (n >= 128) {
            escapedLongChars(cb, n); // long text: the vectorised narrowing and 8-bytes-at-a-time scan
        } else {
            len = escape(cb, 0, n);
        }
        if (cut) {
            // U+2026 HORIZONTAL ELLIPSIS marks a value cut at maxFieldLength
            buf[len++] = (byte) 0xE2;
            buf[len++] = (byte) 0x80;
            buf[len++] = (byte) 0xA6;
        }
        truncated = cut;
    }

    /** JSON-escaped UTF-8 of cb[from,to); the caller ensured (to - from) * 6 bytes of room. */
    void escapedChars(char[] cb, int from, int to) {
        len = escape(cb, from, to);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH = 0x8080808080808080L;

    // created on first use: short-lived buffers (pre-encoding names at configuration time) never need them
    private CharsetEncoder latin1;
    private byte[] narrow = new byte[0];
    private char[] wrappedChars;
    private CharBuffer charView;
    private ByteBuffer byteView;

    /**
     * Like {@link #escapedChars} for long text (a stack trace): the chars are narrowed to bytes by the JDK's
     * ISO-8859-1 encoder (an intrinsic, vectorised), then scanned and copied eight bytes at a time, stopping only at
     * what needs escaping or UTF-8 encoding. Several times faster than the char loop here.
     */
    void escapedLongChars(char[] cb, int n) {
        if (latin1 == null) {
            latin1 = StandardCharsets.ISO_8859_1.newEncoder();
        }
        if (narrow.length < n) {
            narrow = new byte[Math.max(Math.max(n, 1024), narrow.length * 2)];
            byteView = null;
        }
        if (wrappedChars != cb) {
            wrappedChars = cb;
            charView = CharBuffer.wrap(cb);
        }
        if (byteView == null) {
            byteView = ByteBuffer.wrap(narrow);
        }
        charView.clear().limit(n);
        byteView.clear();
        latin1.reset();
        latin1.encode(charView, byteView, true); // stops at the first char above U+00FF
        int m = byteView.position();
        byte[] iso = narrow;
        byte[] b = buf;
        int p = len;
        int i = 0;
        // Scan and copy fused, eight bytes per step: the word is stored before it is checked (the caller ensured
        // room for the worst case), so a plain word costs one load and one store. A stack trace has a '\n' and a
        // '\t' every 40-odd bytes; escaping those two here, instead of ending a run and calling escape() for each,
        // is what makes this path cheap.
        while (i + 8 <= m) {
            long x = (long) LONGS.get(iso, i);
            LONGS.set(b, p, x);
            long mask = specials(x);
            if (mask == 0) {
                i += 8;
                p += 8;
                continue;
            }
            int k = Long.numberOfTrailingZeros(mask) >>> 3; // the lowest flag is always exact
            i += k;
            p += k;
            byte c = iso[i];
            if (c == '\n' || c == '\t' || c == '"' || c == '\\') {
                b[p++] = '\\';
                b[p++] = ESCAPE[c];
            } else {
                len = p;
                p = escape(cb, i, i + 1); // another control char, or a char >= U+0080 (its byte equals the char)
            }
            i++;
        }
        len = p;
        if (i < m) {
            len = escape(cb, i, m);
        }
        if (m < n) {
            len = escape(cb, m, n); // text beyond Latin-1: the plain char loop
        }
    }

    /** High bit set in each byte of x that is a control char, '"', '\\' or >= 0x80 (exact for the lowest one). */
    private static long specials(long x) {
        long quote = x ^ 0x2222222222222222L;
        long slash = x ^ 0x5C5C5C5C5C5C5C5CL;
        return (x & HIGH)
                | ((x - 0x2020202020202020L) & ~x & HIGH)
                | ((quote - ONES) & ~quote & HIGH)
                | ((slash - ONES) & ~slash & HIGH);
    }

    /**
     * The escaping loop. Runs of plain ASCII (the overwhelming majority of log text) are found by a load-only
     * search and then copied by a narrowing loop that C2 vectorises; everything else is handled one char at a time,
     * after which the fast path resumes. Returns the new length.
     */
    private int escape(char[] cb, int from, int to) {
        byte[] b = buf;
        int p = len;
        int k = from;
        while (k < to) {
            int run = k;
            while (k < to) {
                char c = cb[k];
                if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                    break;
                }
                k++;
            }
            int n = k - run;
            for (int j = 0; j < n; j++) {
                b[p + j] = (byte) cb[run + j];
            }
            p += n;
            if (k >= to) {
                break;
            }
            char c = cb[k];
            if (c < 0x80) {
                byte e = ESCAPE[c];
                if (e == 'u') {
                    b[p++] = '\\';
                    b[p++] = 'u';
                    b[p++] = '0';
                    b[p++] = '0';
                    b[p++] = HEX[c >> 4];
                    b[p++] = HEX[c & 0xF];
                } else {
                    b[p++] = '\\';
                    b[p++] = e;
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && k + 1 < to && Character.isLowSurrogate(cb[k + 1])) {
                    int cp = Character.toCodePoint(c, cb[++k]);
                    b[p++] = (byte) (0xF0 | (cp >> 18));
                    b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    b[p++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    b[p++] = '\\';
                    b[p++] = 'u';
                    b[p++] = HEX[c >> 12];
                    b[p++] = HEX[(c >> 8) & 0xF];
                    b[p++] = HEX[(c >> 4) & 0xF];
                    b[p++] = HEX[c & 0xF];
                }
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
            k++;
        }
        return p;
    }

    void number(long v) {
        ensure(20);
        if (v == Long.MIN_VALUE) {
            ascii("-9223372036854775808");
            return;
        }
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int digits = 1;
        for (long t = v; t >= 10; t /= 10) {
            digits++;
        }
        int p = len + digits;
        len = p;
        do {
            buf[--p] = (byte) ('0' + (v % 10));
            v /= 10;
        } while (v != 0);
    }

    /** Zero-padded fixed-width decimal. */
    void padded(long v, int width) {
        ensure(width);
        int p = len + width;
        len = p;
        for (int i = 0; i < width; i++) {
            buf[--p] = (byte) ('0' + (v % 10));
            v /= 10;
        }
    }

    void hex(long v, int nibbles) {
        ensure(nibbles);
        for (int shift = (nibbles - 1) * 4; shift >= 0; shift -= 4) {
            buf[len++] = HEX[(int) ((v >>> shift) & 0xF)];
        }
    }
}
