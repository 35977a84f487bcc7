package io.fabstir.chain.monitor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.shipper.files.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The next block the monitor will read, per chain. Written as the shipper's checkpoint is ({@link AtomicFile}: temp file,
 * fsync, atomic rename), and only after the records of every block before it are on disk: a crash leaves the old
 * or the new value, so a restart re-reads at most the last range (same event ids) and never skips one.
 */
final class BlockCursor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    BlockCursor(Path file) {
        this.file = file.toAbsolutePath();
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
        AtomicFile.write(file, bytes);
    }
}
