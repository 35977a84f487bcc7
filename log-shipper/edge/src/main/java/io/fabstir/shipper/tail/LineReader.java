package io.fabstir.shipper.tail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Splits a growing file into lines, reading fixed-size chunks. A line without its newline yet is held (up to
 * {@code maxLineBytes}) until the rest arrives; a line longer than that keeps only its head and counts the rest, so
 * a 5 MB line costs {@code maxLineBytes} of memory, not 5 MB. Not thread-safe.
 */
final class LineReader {

    /** Receives each complete line; {@code bytes[off, off+len)} is valid only during the call. */
    interface Sink {
        void line(long start, long end, byte[] bytes, int off, int len, long fullLength) throws IOException;
    }

    private final int maxLineBytes;
    private final ByteBuffer chunk;
    private final byte[] held;
    private int heldLen;
    private long heldFull;
    private long lineStart;
    private long position;

    LineReader(long position, int maxLineBytes, int chunkBytes) {
        this.maxLineBytes = maxLineBytes;
        this.chunk = ByteBuffer.allocate(chunkBytes);
        this.held = new byte[maxLineBytes];
        this.position = position;
        this.lineStart = position;
    }

    /** Bytes consumed from the file so far, held partial line included. */
    long position() {
        return position;
    }

    /** Where the next line starts: every byte before it went out in a complete line (a held partial line did not). */
    long emittedPosition() {
        return lineStart;
    }

    boolean hasPartial() {
        return heldFull > 0;
    }

    /** Tells whether the file still holds the content being read (its first bytes are unchanged). */
    interface Check {
        boolean sameContent() throws IOException;
    }

    /**
     * Reads at most one chunk, not past {@code limit} (the file size seen by the caller).
     *
     * @return bytes read (0 at the limit)
     */
    int readChunk(FileChannel ch, long limit, Sink sink) throws IOException {
        return readChunk(ch, limit, sink, () -> true);
    }

    /**
     * As {@link #readChunk(FileChannel, long, Sink)}, but asks {@code check} after reading and before handing out
     * any line: a file truncated and written again since the last read can hold new content at the offsets read,
     * which must not pass for the old content's continuation.
     *
     * @return bytes read (0 at the limit), or -1 when {@code check} said the content changed (nothing consumed)
     */
    int readChunk(FileChannel ch, long limit, Sink sink, Check check) throws IOException {
        long want = Math.min(limit - position, chunk.capacity());
        if (want <= 0) {
            return 0;
        }
        chunk.clear().limit((int) want);
        int n = ch.read(chunk, position);
        if (n <= 0) {
            return 0;
        }
        if (!check.sameContent()) {
            return -1;
        }
        byte[] a = chunk.array();
        int segStart = 0;
        for (int i = 0; i < n; i++) {
            if (a[i] != '\n') {
                continue;
            }
            long end = position + i + 1;
            int segLen = i - segStart;
            if (heldFull == 0 && segLen <= maxLineBytes) {
                sink.line(lineStart, end, a, segStart, segLen, segLen);
            } else {
                hold(a, segStart, segLen);
                sink.line(lineStart, end, held, 0, heldLen, heldFull);
                heldLen = 0;
                heldFull = 0;
            }
            lineStart = end;
            segStart = i + 1;
        }
        if (segStart < n) {
            hold(a, segStart, n - segStart);
        }
        position += n;
        return n;
    }

    /** Emits a held partial line as if it were complete (used when its file is being released). */
    void flushPartial(Sink sink) throws IOException {
        if (heldFull > 0) {
            sink.line(lineStart, position, held, 0, heldLen, heldFull);
            lineStart = position;
            heldLen = 0;
            heldFull = 0;
        }
    }

    private void hold(byte[] a, int off, int len) {
        int room = maxLineBytes - heldLen;
        int copy = Math.min(room, len);
        if (copy > 0) {
            System.arraycopy(a, off, held, heldLen, copy);
            heldLen += copy;
        }
        heldFull += len;
    }
}
