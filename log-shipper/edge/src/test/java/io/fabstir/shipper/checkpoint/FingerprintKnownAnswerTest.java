package io.fabstir.shipper.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The file identity that derived event ids are made from ({@code dev:ino:} + this hash): the first 16 bytes of
 * SHA-256 over the first line, newline included. Known answers.
 */
class FingerprintKnownAnswerTest {

    @Test
    void fingerprintIsSha256PrefixOfTheFirstLine(@TempDir Path dir) throws IOException {
        Path f = Files.writeString(dir.resolve("a.json"), "{\"message\":\"first\"}\n{\"message\":\"second\"}\n");
        try (FileChannel ch = FileChannel.open(f)) {
            assertThat(Fingerprint.of(ch)).isEqualTo(new Fingerprint(20, "9d4a7034e0a8fd056090a4be4b94423a"));
        }
    }

    @Test
    void emptyFileHasTheEmptyFingerprint(@TempDir Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(Files.createFile(dir.resolve("e.json")))) {
            assertThat(Fingerprint.of(ch)).isEqualTo(new Fingerprint(0, "e3b0c44298fc1c149afbf4c8996fb924"));
        }
    }
}
