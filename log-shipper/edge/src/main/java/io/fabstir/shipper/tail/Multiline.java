package io.fabstir.shipper.tail;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Joins continuation lines (those matching the pattern, e.g. the "\tat ..." lines of a plain-text stack trace) to
 * the line before them, so that one event becomes one record. Holds at most one pending event per file.
 */
final class Multiline {

    private final Pattern continuation;
    private final int maxLines;
    private final int maxBytes;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private long start = -1;
    private long end;
    private long fullLength;
    private int lines;
    private long lastAppendNanos;

    Multiline(Pattern continuation, int maxLines, int maxBytes) {
        this.continuation = continuation;
        this.maxLines = maxLines;
        this.maxBytes = maxBytes;
    }

    /** Receives a finished event. */
    interface Emit {
        void event(long start, long end, byte[] bytes, int len, long fullLength) throws java.io.IOException;
    }

    void offer(long lineStart, long lineEnd, byte[] b, int off, int len, long lineFull, Emit emit)
            throws java.io.IOException {
        boolean cont = start >= 0 && lines < maxLines && lineFull == len
                && continuation.matcher(new String(b, off, len, StandardCharsets.UTF_8)).find();
        if (!cont) {
            flush(emit);
            start = lineStart;
            fullLength = 0;
            lines = 0;
        } else {
            append((byte) '\n');
            fullLength++;
        }
        int room = maxBytes - buf.size();
        buf.write(b, off, Math.max(0, Math.min(room, len)));
        fullLength += lineFull;
        lines++;
        end = lineEnd;
        lastAppendNanos = System.nanoTime();
    }

    boolean pending() {
        return start >= 0;
    }

    /** File offset of the pending event's first line (-1 when none is pending). */
    long pendingStart() {
        return start;
    }

    /** Sends the pending event when nothing was appended for {@code quietNanos}. */
    void flushIfQuiet(long quietNanos, Emit emit) throws java.io.IOException {
        if (start >= 0 && System.nanoTime() - lastAppendNanos >= quietNanos) {
            flush(emit);
        }
    }

    void flush(Emit emit) throws java.io.IOException {
        if (start < 0) {
            return;
        }
        byte[] bytes = buf.toByteArray();
        long s = start;
        start = -1;
        buf.reset();
        emit.event(s, end, bytes, bytes.length, fullLength);
    }

    private void append(byte c) {
        if (buf.size() < maxBytes) {
            buf.write(c);
        }
    }
}
