package io.fabstir.shipper.harness;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * An application writing lines at a steady rate, each with a known identity (its token, usually its event.id),
 * able to rotate its file by rename (logback-style) or to be copytruncated (logrotate-style) while it writes,
 * every so many lines or every so often, keeping a bounded number of rotated files as logrotate does.
 */
public final class LogWriter implements AutoCloseable {

    public enum Rotation { NONE, RENAME, COPYTRUNCATE }

    /** One line to write ({@code bytes} without the newline) and the token that identifies it downstream. */
    public record Line(byte[] bytes, String token, boolean tokenInContent) {
        public static Line of(String text, String token) {
            return new Line(text.getBytes(StandardCharsets.UTF_8), token, true);
        }
    }

    /** Makes line number {@code n} (0, 1, 2, ...). */
    @FunctionalInterface
    public interface Lines {
        Line line(long n);
    }

    private final Path file;
    private final int linesPerSecond;
    private final Rotation rotation;
    private final long rotateEveryLines;
    private final long rotateEveryNanos;
    private final int keepRotated;
    private final Lines lines;
    private final long maxLines;
    private final Set<String> written = ConcurrentHashMap.newKeySet();
    private final Map<Long, String> tokenAtOffset = new ConcurrentHashMap<>();
    private final ArrayDeque<Path> rotatedFiles = new ArrayDeque<>();
    private final Thread thread;
    private volatile boolean stop;
    private volatile IOException failure;
    private volatile int rotations;

    /** Lines {@code {"@timestamp": <fixed>, "event.id": "w-<n>", ...}} of about 200 bytes. */
    public LogWriter(Path file, int linesPerSecond, Rotation rotation, long rotateEveryLines) {
        this(builder(file).rate(linesPerSecond).rotation(rotation).rotateEveryLines(rotateEveryLines));
    }

    private LogWriter(Builder b) {
        this.file = b.file;
        this.linesPerSecond = b.rate;
        this.rotation = b.rotation;
        this.rotateEveryLines = b.rotateEveryLines;
        this.rotateEveryNanos = b.rotateEvery == null ? 0 : b.rotateEvery.toNanos();
        this.keepRotated = b.keepRotated;
        this.lines = b.lines;
        this.maxLines = b.maxLines;
        this.thread = new Thread(this::run, "log-writer-" + file.getFileName());
    }

    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** Options of a writer. */
    public static final class Builder {
        private final Path file;
        private int rate = 1000;
        private Rotation rotation = Rotation.NONE;
        private long rotateEveryLines;
        private Duration rotateEvery;
        private int keepRotated = Integer.MAX_VALUE;
        private long maxLines = Long.MAX_VALUE;
        private Lines lines = LogWriter::defaultLine;

        private Builder(Path file) {
            this.file = file;
        }

        public Builder rate(int linesPerSecond) {
            this.rate = linesPerSecond;
            return this;
        }

        public Builder lines(Lines lines) {
            this.lines = lines;
            return this;
        }

        public Builder rotation(Rotation rotation) {
            this.rotation = rotation;
            return this;
        }

        public Builder rotateEveryLines(long n) {
            this.rotateEveryLines = n;
            return this;
        }

        public Builder rotateEvery(Duration every) {
            this.rotateEvery = every;
            return this;
        }

        /** Rotated files kept; older ones are deleted (default: all kept). */
        public Builder keepRotated(int keep) {
            this.keepRotated = keep;
            return this;
        }

        /** Stop by itself after this many lines. */
        public Builder maxLines(long max) {
            this.maxLines = max;
            return this;
        }

        public LogWriter build() {
            return new LogWriter(this);
        }
    }

    private static Line defaultLine(long n) {
        String id = "w-" + n;
        return Line.of("{\"@timestamp\":\"2026-11-24T07:00:00.000Z\",\"log.level\":\"INFO\",\"event.id\":\""
                + id + "\",\"message\":\"line " + n + " " + "x".repeat(120) + "\"}", id);
    }

    public LogWriter start() {
        thread.start();
        return this;
    }

    /** Tokens of every line completely written so far. */
    public Set<String> written() {
        return written;
    }

    /**
     * Tokens of lines that cannot carry one in their bytes (blank lines), by the byte offset the line starts at in
     * the (never rotated) file.
     */
    public Map<Long, String> tokenAtOffset() {
        return tokenAtOffset;
    }

    public int rotations() {
        return rotations;
    }

    public Path file() {
        return file;
    }

    /** Whether it is still writing (false once {@code maxLines} are written or it failed). */
    public boolean running() {
        return thread.isAlive();
    }

    private void run() {
        long n = 0;
        long startNanos = System.nanoTime();
        long nextRotation = startNanos + rotateEveryNanos;
        try {
            OutputStream out = new FileOutputStream(file.toFile(), true);
            long offset = Files.size(file);
            while (!stop && n < maxLines) {
                long due = startNanos + n * 1_000_000_000L / linesPerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(Math.min(wait, 5_000_000));
                    continue;
                }
                Line line = lines.line(n);
                byte[] b = new byte[line.bytes().length + 1];
                System.arraycopy(line.bytes(), 0, b, 0, line.bytes().length);
                b[b.length - 1] = '\n';
                out.write(b);
                if (!line.tokenInContent()) {
                    tokenAtOffset.put(offset, line.token());
                }
                offset += b.length;
                written.add(line.token());
                n++;
                boolean byLines = rotateEveryLines > 0 && n % rotateEveryLines == 0;
                boolean byTime = rotateEveryNanos > 0 && System.nanoTime() - nextRotation >= 0;
                if (rotation != Rotation.NONE && (byLines || byTime)) {
                    out = rotate(out);
                    offset = 0;
                    nextRotation = System.nanoTime() + rotateEveryNanos;
                }
            }
            out.close();
        } catch (IOException e) {
            failure = e;
        }
    }

    private OutputStream rotate(OutputStream out) throws IOException {
        rotations++;
        Path rotated = file.resolveSibling(file.getFileName() + "." + rotations);
        OutputStream next;
        if (rotation == Rotation.RENAME) {
            out.flush();
            Files.move(file, rotated, StandardCopyOption.ATOMIC_MOVE);
            // Like a real appender, a few more lines may still land in the old file after the rename.
            out.close();
            next = new FileOutputStream(file.toFile(), true);
        } else {
            Files.copy(file, rotated, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            next = out; // O_APPEND: the next write lands at the new end
        }
        rotatedFiles.addLast(rotated);
        while (rotatedFiles.size() > keepRotated) {
            Files.deleteIfExists(rotatedFiles.removeFirst());
        }
        return next;
    }

    @Override
    public void close() throws Exception {
        stop = true;
        thread.join(30_000);
        if (failure != null) {
            throw failure;
        }
    }
}
