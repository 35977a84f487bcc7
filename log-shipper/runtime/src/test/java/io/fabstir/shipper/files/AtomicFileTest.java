package io.fabstir.shipper.files;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
}
