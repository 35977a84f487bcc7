package io.fabstir.shipper.files;

import io.fabstir.shipper.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretFileTest {
    @TempDir
    Path dir;

    @Test
    void theSecretIsTheFilesOneLineWithoutTheEditorsNewline() throws Exception {
        assertThat(SecretFile.readLine("rpc_url_file", secret("https://mainnet.example/v3/abc\n", "rw-r-----")))
                .isEqualTo("https://mainnet.example/v3/abc");
    }

    @Test
    void aFileEveryUserCanReadIsRefusedNamingTheKeyAndTheFix() throws Exception {
        Path f = secret("s3cret-value-1234", "rw-r--r--");
        assertThatThrownBy(() -> SecretFile.readLine("kafka.security.password_file", f))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key())
                        .isEqualTo("kafka.security.password_file"))
                .hasMessageContaining("readable by every user").hasMessageContaining("chmod 600 " + f)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aMissingEmptyOrManyLinedFileIsRefusedNamingTheKey() throws Exception {
        assertThatThrownBy(() -> SecretFile.readLine("--token-file", dir.resolve("absent")))
                .hasMessageStartingWith("--token-file: no such file");
        Path empty = secret(" \n", "rw-------");
        assertThatThrownBy(() -> SecretFile.readLine("--token-file", empty)).hasMessageContaining("is empty");
        Path two = secret("first\nsecond\n", "rw-------");
        assertThatThrownBy(() -> SecretFile.readLine("--token-file", two)).hasMessageContaining("more than one line");
    }

    private Path secret(String content, String mode) throws Exception {
        Path f = Files.createTempFile(dir, "secret", "");
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }
}
