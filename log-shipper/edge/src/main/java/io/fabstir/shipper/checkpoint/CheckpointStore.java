package io.fabstir.shipper.checkpoint;

import io.fabstir.shipper.files.AtomicFile;
import io.fabstir.shipper.logging.LogExcerpt;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The checkpoint file: one JSON document listing a {@link FilePosition} per tracked file. Written with
 * {@link AtomicFile}, so a crash at any instant leaves either the old or the new checkpoint, never a torn one.
 */
public final class CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final int VERSION = 1;

    private final Path file;
    private byte[] lastWritten;
    private List<EndedContent> ended = List.of();

    public CheckpointStore(Path file) {
        this.file = file.toAbsolutePath();
    }

    public Path file() {
        return file;
    }

    /**
     * The saved positions; empty when there is no checkpoint yet. An unreadable checkpoint is moved aside to
     * {@code <name>.corrupt} and reading starts over: re-sending gives duplicates (same event ids), never loss.
     */
    public List<FilePosition> load() throws IOException {
        byte[] bytes;
        ended = List.of();
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        try {
            List<FilePosition> out = new ArrayList<>();
            JsonNode root = JSON.readTree(bytes);
            for (JsonNode f : root.path("files")) {
                out.add(new FilePosition(f.get("dev").asLong(), f.get("ino").asLong(),
                        new Fingerprint(f.get("fingerprint_length").asInt(), f.get("fingerprint").asText()),
                        f.get("offset").asLong(), f.path("path").asText(null), f.path("identity").asText(null)));
            }
            List<EndedContent> gone = new ArrayList<>();
            for (JsonNode e : root.path("ended")) {
                gone.add(new EndedContent(e.get("identity").asText(),
                        new Fingerprint(e.get("fingerprint_length").asInt(), e.get("fingerprint").asText()),
                        e.get("offset").asLong()));
            }
            ended = List.copyOf(gone);
            lastWritten = bytes;
            return out;
        } catch (IOException | RuntimeException e) {
            Path aside = file.resolveSibling(file.getFileName() + ".corrupt");
            LOG.error("checkpoint {} is unreadable ({}); moved to {}, files are read from the start again",
                    file, LogExcerpt.of(e.getMessage()), aside);
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            return List.of();
        }
    }

    /** Content whose copy was not found yet, as the last {@link #load()} read it. */
    public List<EndedContent> ended() {
        return ended;
    }

    /** Writes the positions if they differ from the last written ones; returns whether it wrote. */
    public boolean save(Collection<FilePosition> positions) throws IOException {
        return save(positions, List.of());
    }

    /** As {@link #save(Collection)}, also keeping content that left its file until its copy turns up. */
    public boolean save(Collection<FilePosition> positions, Collection<EndedContent> gone) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        ArrayNode files = root.putArray("files");
        for (FilePosition p : positions) {
            ObjectNode f = files.addObject();
            f.put("dev", p.device());
            f.put("ino", p.inode());
            f.put("fingerprint", p.fingerprint().hash());
            f.put("fingerprint_length", p.fingerprint().length());
            f.put("offset", p.offset());
            f.put("path", p.path());
            if (p.origin() != null) {
                f.put("identity", p.origin());
            }
        }
        if (!gone.isEmpty()) {
            ArrayNode endedNode = root.putArray("ended");
            for (EndedContent e : gone) {
                endedNode.addObject().put("identity", e.identity()).put("fingerprint", e.fingerprint().hash())
                        .put("fingerprint_length", e.fingerprint().length()).put("offset", e.offset());
            }
        }
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        if (lastWritten != null && java.util.Arrays.equals(bytes, lastWritten)) {
            return false;
        }
        AtomicFile.write(file, bytes);
        lastWritten = bytes;
        return true;
    }
}
