package io.fabstir.chain.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;

/**
 * The next block the monitor will read, per chain. Written as the shipper's checkpoint is (temp file, fsync, atomic
 * rename, directory fsync), and only after the records of every block before it are on disk: a crash leaves the old
 * or the new value, so a restart re-reads at most the last range (same event ids) and never skips one.
 */
final class BlockCursor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Path temp;

    BlockCursor(Path file) {
        this.file = file.toAbsolutePath();
        this.temp = this.file.resolveSibling(this.file.getFileName() + ".tmp");
    }

    Path file() {
        return file;
    }

    /**
     * The saved next block, empty when there is none yet.
     *
     * @throws IllegalStateException when the file is for another chain or unreadable: starting over or skipping ahead
     *                               would both be wrong guesses, so the operator decides
     */
    OptionalLong load(long chainId) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException("cursor file " + file + " is unreadable (" + e.getMessage()
                    + "); fix or delete it (then set start_block)", e);
        }
        if (root == null || !root.path("next_block").canConvertToLong()) {
            throw new IllegalStateException("cursor file " + file + " has no next_block; fix or delete it");
        }
        long saved = root.path("chain_id").asLong(-1);
        if (saved != chainId) {
            throw new IllegalStateException("cursor file " + file + " is for chain id " + saved + ", the RPC serves "
                    + chainId + ": point cursor_file at another file or rpc_url at the right chain");
        }
        return OptionalLong.of(root.path("next_block").asLong());
    }

    void save(long chainId, long nextBlock) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(JSON.createObjectNode().put("version", 1).put("chain_id", chainId)
                .put("next_block", nextBlock));
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) ch.write(buf);
            ch.force(true);
        }
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cursor directory does not support atomic rename: " + file.getParent(), e);
        }
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // not supported on every file system; the rename itself is atomic
        }
    }
}
