package io.fabstir.shipper.tail;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * An application writing JSON lines with their own event.id at a steady rate, able to rotate its file by rename
 * (logback-style) or to be copytruncated (logrotate-style) while it writes.
 */
final class LogWriter implements AutoCloseable {

    enum Rotation { NONE, RENAME, COPYTRUNCATE }

    private final Path file;
    private final int linesPerSecond;
    private final Rotation rotation;
    private final long rotateEveryLines;
    final Set<String> written = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean stop;
    private volatile IOException failure;
    private int rotations;

    LogWriter(Path file, int linesPerSecond, Rotation rotation, long rotateEveryLines) {
        this.file = file;
        this.linesPerSecond = linesPerSecond;
        this.rotation = rotation;
        this.rotateEveryLines = rotateEveryLines;
        this.thread = new Thread(this::run, "log-writer");
    }

    LogWriter start() {
        thread.start();
        return this;
    }

    int rotations() {
        return rotations;
    }

    private void run() {
        String pad = "x".repeat(120);
        long n = 0;
        long startNanos = System.nanoTime();
        try {
            OutputStream out = new FileOutputStream(file.toFile(), true);
            while (!stop) {
                long due = startNanos + n * 1_000_000_000L / linesPerSecond;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(Math.min(wait, 5_000_000));
                    continue;
                }
                String id = "w-" + n;
                String line = "{\"@timestamp\":\"2026-11-24T07:00:00.000Z\",\"log.level\":\"INFO\",\"event.id\":\""
                        + id + "\",\"message\":\"line " + n + " " + pad + "\"}\n";
                out.write(line.getBytes(StandardCharsets.UTF_8));
                written.add(id);
                n++;
                if (rotation != Rotation.NONE && n % rotateEveryLines == 0) {
                    out = rotate(out);
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
        if (rotation == Rotation.RENAME) {
            out.flush();
            Files.move(file, rotated, StandardCopyOption.ATOMIC_MOVE);
            // Like a real appender, a few more lines may still land in the old file after the rename.
            out.close();
            return new FileOutputStream(file.toFile(), true);
        }
        Files.copy(file, rotated, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        return out; // O_APPEND: the next write lands at the new end
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
