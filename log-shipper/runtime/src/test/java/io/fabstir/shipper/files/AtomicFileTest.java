package io.fabstir.shipper.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

class AtomicFileTest {

    @Test
    void replacesTheFileAndLeavesNoTempFileBehind(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("state/cursor.json");
        AtomicFile.write(f, "old".getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(f, "new".getBytes(StandardCharsets.UTF_8));
        assertThat(f).hasContent("new");
        try (var files = Files.list(f.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("cursor.json");
        }
    }

    @Test
    void aStaleTempFileFromACrashIsOverwritten(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("checkpoint.json");
        Files.writeString(dir.resolve("checkpoint.json.tmp"), "torn {\"files\": [");
        AtomicFile.write(f, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(f).hasContent("{}");
        assertThat(dir.resolve("checkpoint.json.tmp")).doesNotExist();
    }

    @Test
    void theFileIsTheOwnersAloneAndSoAreTheFoldersItCreates(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("state/chain/cursor.json");
        AtomicFile.write(f, "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f.getParent()))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("state"))))
                .isEqualTo("rwx------");
    }

    @Test
    void aCheckpointLeftReadableByAnEarlierVersionIsPrivateAfterTheNextWrite(@TempDir Path dir) throws IOException {
        Path folder = Files.createDirectory(dir.resolve("shipper"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path f = Files.writeString(folder.resolve("checkpoint.json"), "{}");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
        AtomicFile.write(f, "{\"files\":[]}".getBytes(StandardCharsets.UTF_8));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)))
                .as("an existing folder is left").isEqualTo("rwxr-xr-x");
    }
}
