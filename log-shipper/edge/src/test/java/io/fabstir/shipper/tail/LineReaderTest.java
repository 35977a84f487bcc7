package io.fabstir.shipper.tail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LineReaderTest {

    @TempDir
    Path dir;

    record Line(long start, long end, String text, long full) {
    }

    private static List<Line> readAll(LineReader r, Path file) throws IOException {
        List<Line> out = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (r.readChunk(ch, ch.size(), (s, e, b, off, len, full) ->
                    out.add(new Line(s, e, new String(b, off, len, StandardCharsets.UTF_8), full))) > 0) {
                // keep reading
            }
        }
        return out;
    }

    @Test
    void splitsLinesWithTheirByteRanges() throws IOException {
        Path f = Files.writeString(dir.resolve("a.log"), "one\n\ntwo\n");
        List<Line> lines = readAll(new LineReader(0, 100, 4), f);
        assertThat(lines).containsExactly(new Line(0, 4, "one", 3), new Line(4, 5, "", 0), new Line(5, 9, "two", 3));
    }

    @Test
    void holdsAPartialLastLineUntilItsNewlineArrives() throws IOException {
        Path f = Files.writeString(dir.resolve("a.log"), "one\ntw");
        LineReader r = new LineReader(0, 100, 64);
        assertThat(readAll(r, f)).containsExactly(new Line(0, 4, "one", 3));
        assertThat(r.hasPartial()).isTrue();
        assertThat(r.position()).isEqualTo(6);
        Files.writeString(f, "o\n", StandardOpenOption.APPEND);
        assertThat(readAll(r, f)).containsExactly(new Line(4, 8, "two", 3));
        assertThat(r.hasPartial()).isFalse();
    }

    @Test
    void keepsOnlyTheHeadOfAnOverlongLineAndCountsItsLength() throws IOException {
        String big = "x".repeat(10_000);
        Path f = Files.writeString(dir.resolve("a.log"), big + "\nafter\n");
        List<Line> lines = readAll(new LineReader(0, 100, 1024), f);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).text()).hasSize(100);
        assertThat(lines.get(0).full()).isEqualTo(10_000);
        assertThat(lines.get(1)).isEqualTo(new Line(10_001, 10_007, "after", 5));
    }

    @Test
    void startsAtAGivenOffset() throws IOException {
        Path f = Files.writeString(dir.resolve("a.log"), "one\ntwo\n");
        assertThat(readAll(new LineReader(4, 100, 64), f)).containsExactly(new Line(4, 8, "two", 3));
    }

    @Test
    void flushPartialEmitsTheHeldBytes() throws IOException {
        Path f = Files.writeString(dir.resolve("a.log"), "one\nlast");
        LineReader r = new LineReader(0, 100, 64);
        readAll(r, f);
        List<Line> out = new ArrayList<>();
        r.flushPartial((s, e, b, off, len, full) -> out.add(new Line(s, e, new String(b, off, len), full)));
        assertThat(out).containsExactly(new Line(4, 8, "last", 4));
    }
}
