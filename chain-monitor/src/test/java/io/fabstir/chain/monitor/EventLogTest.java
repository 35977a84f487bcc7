package io.fabstir.chain.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventLogTest {
    @TempDir
    Path dir;

    @Test
    void appendsOneLinePerRecord() throws Exception {
        Path f = dir.resolve("chain.json");
        try (EventLog log = new EventLog(f)) {
            log.append(List.of(b("{\"a\":1}"), b("{\"a\":2}")));
        }
        try (EventLog log = new EventLog(f)) {
            log.append(List.of(b("{\"a\":3}")));
        }
        assertThat(Files.readAllLines(f)).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
    }

    @Test
    void lineCutShortByACrashIsDroppedOnOpen() throws Exception {
        Path f = dir.resolve("chain.json");
        Files.writeString(f, "{\"a\":1}\n{\"a\":2}\n{\"a\":3, \"cut");
        try (EventLog log = new EventLog(f)) {
            log.append(List.of(b("{\"a\":3}")));
        }
        assertThat(Files.readAllLines(f)).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
    }

    @Test
    void fileWithOnlyAPartialLineStartsEmpty() throws Exception {
        Path f = dir.resolve("chain.json");
        Files.writeString(f, "{\"partial");
        new EventLog(f).close();
        assertThat(Files.size(f)).isZero();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
