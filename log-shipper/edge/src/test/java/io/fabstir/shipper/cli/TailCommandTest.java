package io.fabstir.shipper.cli;

import io.fabstir.shipper.config.EdgeConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TailCommandTest {

    @TempDir
    Path dir;

    @Test
    void helpExplainsEveryOptionAndItsEnvironmentVariable() {
        StringWriter out = new StringWriter();
        CommandLine cl = FabstirShipper.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("tail", "--help")).isZero();
        String help = out.toString();
        for (String key : EdgeConfig.KEYS.keySet()) {
            assertThat(help).as(key).contains(key + ":");
        }
        assertThat(help).contains("FABSTIR_KAFKA_BOOTSTRAP_SERVERS", "--producer-prop", "Example edge.yaml");
    }

    @Test
    void invalidConfigurationFailsAtStartNamingTheKey() throws IOException {
        Path yaml = Files.writeString(dir.resolve("edge.yaml"), "node_id: n\npaths: [x]\nkafka: {bootstrap_servers: k:1}\n"
                + "max_inflight_bytes: plenty\n");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        int rc;
        try {
            rc = FabstirShipper.commandLine().execute("tail", "--config", yaml.toString());
        } finally {
            System.setErr(old);
        }
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString()).contains("invalid configuration: max_inflight_bytes: 'plenty' is not a whole number");
    }

    @Test
    void versionIsPrinted() {
        StringWriter out = new StringWriter();
        CommandLine cl = FabstirShipper.commandLine();
        cl.setOut(new PrintWriter(out));
        assertThat(cl.execute("--version")).isZero();
        assertThat(out.toString()).startsWith("fabstir-shipper ");
    }
}
