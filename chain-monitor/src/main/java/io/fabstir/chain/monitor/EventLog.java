package io.fabstir.chain.monitor;

import io.fabstir.shipper.files.FileModes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;

/**
 * The monitor's output: one JSON record per line, appended to a file that {@code fabstir-shipper tail} ships like
 * any node log. A batch is forced to disk before the cursor moves past its blocks. Created {@code 0640} in folders
 * it creates {@code 0750}, as the node's own log files ({@link FileModes}): the edge shipper reads it as the owner or
 * in its group, other users of the host do not.
 */
final class EventLog implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;

    /** Opens for appending; a line cut short by a crash is dropped (its block range is re-read and re-written). */
    EventLog(Path file) throws IOException {
        this.file = file.toAbsolutePath();
        FileModes.createFolders(this.file.getParent(), FileModes.LOG_FOLDER);
        boolean created = !Files.exists(this.file);
        channel = FileChannel.open(this.file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ), FileModes.creating(FileModes.LOG_FILE));
        if (created) {
            FileModes.set(this.file, FileModes.LOG_FILE); // exactly, whatever the umask
        }
        cutPartialLine();
        channel.position(channel.size());
    }

    Path file() {
        return file;
    }

    void append(List<byte[]> lines) throws IOException {
        if (lines.isEmpty()) return;
        int size = 0;
        for (byte[] l : lines) size += l.length + 1;
        ByteBuffer buf = ByteBuffer.allocate(size);
        for (byte[] l : lines) buf.put(l).put((byte) '\n');
        buf.flip();
        while (buf.hasRemaining()) channel.write(buf);
        channel.force(false);
    }

    private void cutPartialLine() throws IOException {
        long size = channel.size();
        if (size == 0) return;
        long end = size;
        // Scan back in chunks for the last newline; records are small, so this reads little.
        ByteBuffer chunk = ByteBuffer.allocate(8192);
        while (end > 0) {
            long start = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int) (end - start));
            channel.read(chunk, start);
            for (int i = chunk.position() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    long keep = start + i + 1;
                    if (keep < size) channel.truncate(keep);
                    return;
                }
            }
            end = start;
        }
        channel.truncate(0);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
