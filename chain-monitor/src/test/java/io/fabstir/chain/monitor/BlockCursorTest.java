package io.fabstir.chain.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockCursorTest {
    @TempDir
    Path dir;

    @Test
    void savedBlockIsReadBackAndNoTempFileRemains() throws Exception {
        BlockCursor c = new BlockCursor(dir.resolve("sub/cursor.json"));
        assertThat(c.load(1)).isEmpty();
        c.save(1, 42);
        c.save(1, 43);
        assertThat(new BlockCursor(dir.resolve("sub/cursor.json")).load(1)).hasValue(43);
        assertThat(dir.resolve("sub/cursor.json.tmp")).doesNotExist();
    }

    @Test
    void cursorOfAnotherChainIsRefusedNamingBothIds() throws Exception {
        BlockCursor c = new BlockCursor(dir.resolve("cursor.json"));
        c.save(1, 42);
        assertThatThrownBy(() -> c.load(31337)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("chain id 1").hasMessageContaining("31337");
    }

    @Test
    void unreadableCursorStopsTheMonitorInsteadOfGuessing() throws Exception {
        Files.writeString(dir.resolve("cursor.json"), "{\"next_blo");
        assertThatThrownBy(() -> new BlockCursor(dir.resolve("cursor.json")).load(1))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("unreadable");
    }
}
