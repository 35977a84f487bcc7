package io.fabstir.shipper.logging;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.Arrays;

/**
 * A console stream that writes whole lines, each through {@link OwnLogRedaction#text}. A flush does not write a
 * line that has not ended ({@link PrintStream} flushes after every {@code print}): a secret printed in two pieces
 * is judged whole. A line longer than {@value #MAX_LINE} bytes is written in pieces of that size.
 */
final class RedactingStream extends OutputStream {
    static final int MAX_LINE = 64 * 1024;

    private final PrintStream out;
    private final Charset charset;
    private byte[] line = new byte[256];
    private int length;

    RedactingStream(PrintStream out, Charset charset) {
        this.out = out;
        this.charset = charset;
    }

    @Override
    public synchronized void write(int b) {
        append((byte) b);
        if (b == '\n' || length >= MAX_LINE) {
            emit();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            append(b[i]);
            if (b[i] == '\n' || length >= MAX_LINE) {
                emit();
            }
        }
    }

    @Override
    public synchronized void flush() {
        out.flush();
    }

    /** Writes what waits for its line's end. */
    synchronized void drain() {
        if (length > 0) {
            emit();
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        drain();
    }

    private void append(byte b) {
        if (length == line.length) {
            line = Arrays.copyOf(line, Math.min(line.length * 2, MAX_LINE));
        }
        line[length++] = b;
    }

    private void emit() {
        String text = new String(line, 0, length, charset);
        String shown = OwnLogRedaction.text(text);
        if (shown == text) {
            out.write(line, 0, length);
        } else {
            byte[] bytes = shown.getBytes(charset);
            out.write(bytes, 0, bytes.length);
        }
        length = 0;
        if (line.length > 4096) {
            line = new byte[256]; // one long stack trace line does not keep its buffer
        }
    }
}
