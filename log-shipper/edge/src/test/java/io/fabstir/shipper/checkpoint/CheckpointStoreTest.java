package io.fabstir.shipper.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CheckpointStoreTest {

    @TempDir
    Path dir;

    @Test
    void savedPositionsLoadBack() throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("state/cp.json"));
        List<FilePosition> positions = List.of(
                new FilePosition(2049, 77, new Fingerprint(12, "abcd"), 4096, "/logs/a.json"),
                new FilePosition(2049, 78, new Fingerprint(0, "ef"), 0, "/logs/b.json"));
        assertThat(store.save(positions)).isTrue();
        assertThat(new CheckpointStore(dir.resolve("state/cp.json")).load()).isEqualTo(positions);
        assertThat(dir.resolve("state/cp.json.tmp")).doesNotExist();
    }

    @Test
    void theIdentityACopyContinuesIsSavedWithItsPosition() throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("cp.json"));
        List<FilePosition> positions = List.of(
                new FilePosition(2049, 90, new Fingerprint(40, "beef"), 512, "/logs/app.1.json", "2049:77:beef"));
        store.save(positions);
        List<FilePosition> loaded = new CheckpointStore(dir.resolve("cp.json")).load();
        assertThat(loaded).isEqualTo(positions);
        assertThat(loaded.get(0).identity()).isEqualTo("2049:77:beef");
    }

    @Test
    void contentThatLeftItsFileIsKeptUntilItsCopyTurnsUp() throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("cp.json"));
        List<EndedContent> gone = List.of(new EndedContent("2049:77:beef", new Fingerprint(40, "beef"), 4096));
        store.save(List.of(new FilePosition(2049, 77, new Fingerprint(0, "e3b0"), 0, "/logs/app.json")), gone);
        CheckpointStore again = new CheckpointStore(dir.resolve("cp.json"));
        assertThat(again.load()).hasSize(1);
        assertThat(again.ended()).isEqualTo(gone);
    }

    @Test
    void anUnchangedCheckpointIsNotRewritten() throws IOException {
        CheckpointStore store = new CheckpointStore(dir.resolve("cp.json"));
        List<FilePosition> positions = List.of(new FilePosition(1, 2, new Fingerprint(1, "a"), 3, "p"));
        assertThat(store.save(positions)).isTrue();
        assertThat(store.save(positions)).isFalse();
    }

    @Test
    void aCorruptCheckpointIsMovedAsideAndReadingStartsOver() throws IOException {
        Files.writeString(dir.resolve("cp.json"), "{\"files\":[{\"dev\":");
        assertThat(new CheckpointStore(dir.resolve("cp.json")).load()).isEmpty();
        assertThat(dir.resolve("cp.json.corrupt")).exists();
    }

    @Test
    void noCheckpointMeansNoPositions() throws IOException {
        assertThat(new CheckpointStore(dir.resolve("none.json")).load()).isEmpty();
    }

    @Test
    void fingerprintCoversTheFirstLineAndDetectsRewrittenContent() throws IOException {
        Path f = Files.writeString(dir.resolve("a.log"), "{\"first\":1}\n{\"second\":2}\n");
        Fingerprint fp;
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            fp = Fingerprint.of(ch);
            assertThat(fp.length()).isEqualTo(12);
            assertThat(fp.complete(ch)).isTrue();
        }
        Files.writeString(f, "{\"third\":3}\n", StandardOpenOption.APPEND);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            assertThat(fp.matches(ch)).as("grown, same first line").isTrue();
        }
        Files.writeString(f, "{\"other\":9}\n");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            assertThat(fp.matches(ch)).as("rewritten").isFalse();
        }
    }

    @Test
    void fingerprintOfAFileWithoutNewlineIsIncomplete() throws IOException {
        Path f = Files.writeString(dir.resolve("a.log"), "{\"partial\":");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            assertThat(Fingerprint.of(ch).complete(ch)).isFalse();
        }
    }
}
