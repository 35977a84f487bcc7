package io.fabstir.otel.logging;

import java.util.Arrays;

/**
 * A growable UTF-8 byte buffer with hand-written JSON output. One instance per thread is reused for every record:
 * this is the logging hot path, and writing bytes directly (no intermediate String, no JsonGenerator, no
 * per-event char[]/byte[] beyond the final copy) is what keeps the encoder's cost and garbage low.
 */
final class JsonBuffer {

    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
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
        ensure((end - from) * 6 + 4);
        byte[] b = buf;
        int p = len;
        int i = from;
        if (s instanceof String str) {
            // fast path: bulk-copy the chars (an intrinsic) and write plain ASCII needing no escape, the
            // overwhelming majority of log text, from the array
            int n = end - from;
            char[] cb = cbuf;
            if (cb.length < n) {
                cb = n <= RETAIN_LIMIT ? (cbuf = new char[Math.max(n, cb.length * 2)]) : new char[n];
            }
            str.getChars(from, end, cb, 0);
            int k = 0;
            // two passes: a load-only search for the first char needing care, then a narrowing copy that C2
            // vectorises; faster than one loop that tests and stores each char
            while (k < n) {
                char c = cb[k];
                if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') {
                    break;
                }
                k++;
            }
            for (int j = 0; j < k; j++) {
                b[p + j] = (byte) cb[j];
            }
            p += k;
            i += k;
        }
        for (; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                byte e = ESCAPE[c];
                if (e == 0) {
                    b[p++] = (byte) c;
                } else if (e == 'u') {
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
                if (Character.isHighSurrogate(c) && i + 1 < end && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
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
        }
        len = p;
        if (cut) {
            // U+2026 HORIZONTAL ELLIPSIS marks a value cut at maxFieldLength
            b[len++] = (byte) 0xE2;
            b[len++] = (byte) 0x80;
            b[len++] = (byte) 0xA6;
        }
        truncated = cut;
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
