package io.fabstir.shipper.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CentralSettingsTest {
    private static int run(StringWriter err, String... args) {
        CommandLine cl = new CommandLine(new RetentionCommand());
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void invalidValueFailsAtStartNamingTheKey(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("central.yaml");
        Files.writeString(yaml, "elasticsearch:\n  hosts: [http://127.0.0.1:1]\n  request_timeout: soon\n");
        StringWriter err = new StringWriter();
        assertThat(run(err, "--config", yaml.toString(), "--dry-run")).isNotZero();
        assertThat(err.toString()).contains("elasticsearch.request_timeout").contains("soon");
    }

    @Test
    void unknownKeyFailsNamingIt(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("central.yaml");
        Files.writeString(yaml, "elasticsearch:\n  hostz: x\n");
        StringWriter err = new StringWriter();
        assertThat(run(err, "--config", yaml.toString())).isNotZero();
        assertThat(err.toString()).contains("unknown config key elasticsearch.hostz");
    }

    @Test
    void missingSecretFileIsNamedButItsContentNeverShown(@TempDir Path dir) throws Exception {
        Path key = dir.resolve("api-key");
        Files.writeString(key, "c2VjcmV0LWtleS12YWx1ZQ==");
        StringWriter err = new StringWriter();
        // both auth kinds at once: refused, and the key's value must not appear in the message
        int rc = new CommandLine(new RetentionCommand()).setErr(new PrintWriter(err)).execute(
                "--es-hosts", "http://127.0.0.1:1", "--es-api-key-file", key.toString(), "--es-username", "bob",
                "--dry-run");
        assertThat(rc).isNotZero();
        assertThat(err.toString()).contains("elasticsearch.username").doesNotContain("c2VjcmV0");
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "elasticsearch:\n  request_timeout: 5s\n  replicas: 2\n  shards: 3\n");
        RetentionCommand cmd = new RetentionCommand();
        new CommandLine(cmd).parseArgs("--config", yaml.toString(), "--es-request-timeout", "7s");
        CentralSettings s = cmd.settings(Map.of("FABSTIR_ELASTICSEARCH_REPLICAS", "0",
                "FABSTIR_ELASTICSEARCH_REQUEST_TIMEOUT", "6s"));
        assertThat(s.duration("elasticsearch.request_timeout", null)).isEqualTo(Duration.ofSeconds(7));
        assertThat(s.integer("elasticsearch.replicas", 1, 0)).isZero();
        assertThat(s.integer("elasticsearch.shards", 1, 1)).isEqualTo(3);
        assertThat(CentralSettings.parseDuration("30d")).isEqualTo(Duration.ofDays(30));
    }

    @Test
    void sinkLokiWithoutUrlFailsAtStartNamingLokiUrl() {
        StringWriter err = new StringWriter();
        int rc = new CommandLine(new IndexCommand()).setErr(new PrintWriter(err)).execute(
                "--sink", "loki", "--bootstrap-servers", "127.0.0.1:1");
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("loki.url").contains("is required");
    }

    @Test
    void unknownLokiKeyInTheFileFailsNamingIt(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "sink: loki\nloki:\n  url: http://127.0.0.1:1\n  lables: [level]\n");
        StringWriter err = new StringWriter();
        int rc = new CommandLine(new IndexCommand()).setErr(new PrintWriter(err)).execute(
                "--config", yaml.toString(), "--bootstrap-servers", "127.0.0.1:1");
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("unknown config key loki.lables");
    }
}
