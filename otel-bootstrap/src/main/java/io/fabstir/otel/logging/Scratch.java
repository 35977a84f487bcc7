package io.fabstir.otel.logging;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;

/**
 * Per-thread reusable state of the encoder: output buffer, stack-trace chars, timestamp cache, id generator, the
 * last thread name and trace ids as JSON, and the names written so far in the current record. Reusing it is what
 * keeps the encoder's garbage to the returned line.
 */
final class Scratch {
    final JsonBuffer out = new JsonBuffer();
    final EventIds ids = new EventIds();
    final String[] spanIds = new String[2];
    final FieldWriter.MdcCallback mdc = new FieldWriter.MdcCallback(this);
    final LastValue thread = new LastValue();
    final Chars stack = new Chars();
    final LastValue trace = new LastValue();
    final LastValue span = new LastValue();
    private FieldName[] names = new FieldName[32];
    private int seen;
    boolean datasetWritten;
    boolean busy;
    private long cachedSecond = Long.MIN_VALUE;
    /** "yyyy-MM-ddTHH:mm:ss." for cachedSecond. */
    private final byte[] secondPrefix = new byte[20];

    /** Starts a record: the buffer is empty and no name is written yet. */
    void reset() {
        out.reset();
        seen = 0;
        datasetWritten = false;
    }

    boolean seen(FieldName name) {
        for (int i = 0; i < seen; i++) {
            FieldName n = names[i];
            if (n == name || (n.hash == name.hash && n.key.equals(name.key))) {
                return true;
            }
        }
        return false;
    }

    boolean seen(String key) {
        for (int i = 0; i < seen; i++) {
            if (names[i].key.equals(key)) {
                return true;
            }
        }
        return false;
    }

    void remember(FieldName name) {
        if (seen == names.length) {
            names = Arrays.copyOf(names, seen * 2);
        }
        names[seen++] = name;
        datasetWritten |= name.dataset;
    }

    /** ISO-8601 UTC with microseconds; the date-time part is recomputed only when the second changes. */
    void timestamp(JsonBuffer out, long millis, int nanos) {
        long second = Math.floorDiv(millis, 1000);
        if (second != cachedSecond) {
            cachedSecond = second;
            LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            JsonBuffer b = new JsonBuffer();
            b.padded(t.getYear(), 4);
            b.raw((byte) '-');
            b.padded(t.getMonthValue(), 2);
            b.raw((byte) '-');
            b.padded(t.getDayOfMonth(), 2);
            b.raw((byte) 'T');
            b.padded(t.getHour(), 2);
            b.raw((byte) ':');
            b.padded(t.getMinute(), 2);
            b.raw((byte) ':');
            b.padded(t.getSecond(), 2);
            b.raw((byte) '.');
            System.arraycopy(b.buf, 0, secondPrefix, 0, 20);
        }
        out.raw(secondPrefix);
        int micros = nanos >= 0 ? nanos / 1000 : (int) Math.floorMod(millis, 1000) * 1000;
        out.padded(micros, 6);
        out.raw((byte) 'Z');
    }

    /**
     * The last string written in one slot (thread name, trace id, span id) and its JSON, in a reused array: these
     * repeat line after line, so most records copy bytes instead of escaping chars.
     */
    static final class LastValue {
        private String value;
        private byte[] json = new byte[80];
        private int length;

        void write(JsonBuffer out, String v) {
            if (v != value) {
                int start = out.len;
                out.quoted(v, 256);
                int n = out.len - start;
                if (n > json.length) {
                    json = new byte[n];
                }
                System.arraycopy(out.buf, start, json, 0, n);
                length = n;
                value = v;
                return;
            }
            out.ensure(length);
            System.arraycopy(json, 0, out.buf, out.len, length);
            out.len += length;
        }
    }

    /** A reusable char buffer for building the stack trace. */
    static final class Chars {
        char[] chars = new char[1024];
        int length;

        void reset() {
            if (chars.length > 64 * 1024) {
                chars = new char[1024];
            }
            length = 0;
        }

        private void room(int extra) {
            if (length + extra > chars.length) {
                chars = Arrays.copyOf(chars, Math.max(length + extra, chars.length * 2));
            }
        }

        Chars append(String s) {
            int n = s.length();
            room(n);
            s.getChars(0, n, chars, length);
            length += n;
            return this;
        }

        Chars append(char c) {
            room(1);
            chars[length++] = c;
            return this;
        }

        Chars append(int v) {
            if (v < 0) {
                return append(Integer.toString(v));
            }
            int digits = 1;
            for (int t = v; t >= 10; t /= 10) {
                digits++;
            }
            room(digits);
            int p = length + digits;
            length = p;
            do {
                chars[--p] = (char) ('0' + v % 10);
                v /= 10;
            } while (v != 0);
            return this;
        }
    }
}
