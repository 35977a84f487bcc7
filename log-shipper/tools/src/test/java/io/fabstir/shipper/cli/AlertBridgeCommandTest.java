package io.fabstir.shipper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AlertBridgeCommandTest {
    private static final String WEBHOOK = "https://discord.com/api/webhooks/1234567890/Zx9kQ2vT7mW4pL8nR1sY6bH3cJ5d";

    @TempDir
    Path dir;

    private final StringWriter err = new StringWriter();

    @Test
    void aMissingWebhookFileStopsAtStartNamingTheOption() {
        int exit = run(Map.of(), "--discord-webhook-url-file", "/nonexistent/discord_webhook_url");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--discord-webhook-url-file", "/nonexistent/discord_webhook_url",
                "no such file");
    }

    @Test
    void aTokenFileEveryUserCanReadStopsAtStartNamingTheOption() throws Exception {
        Path token = secret("token", "3f1c0a9e5b7d2468ace13579bdf02468", "rw-r--r--");

        int exit = run(Map.of(), "--discord-webhook-url-file", secret("webhook", WEBHOOK, "rw-------").toString(),
                "--token-file", token.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--token-file", "readable by every user", "chmod 600 " + token)
                .doesNotContain("3f1c0a9e5b7d2468");
    }

    @Test
    void aShortTokenFromTheEnvironmentStopsAtStartNamingTheVariable() throws Exception {
        int exit = run(Map.of(AlertBridgeCommand.WEBHOOK_ENV, WEBHOOK, AlertBridgeCommand.TOKEN_ENV, "short"));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(AlertBridgeCommand.TOKEN_ENV, "at least 16");
    }

    @Test
    void listeningBeyondLoopbackWithoutACredentialIsRefused() throws Exception {
        int exit = run(Map.of(AlertBridgeCommand.WEBHOOK_ENV, WEBHOOK), "--listen", "0.0.0.0:0");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--listen", "--token-file");
    }

    private int run(Map<String, String> env, String... args) {
        AlertBridgeCommand command = new AlertBridgeCommand();
        command.env = env;
        CommandLine cli = new CommandLine(command);
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    private Path secret(String name, String value, String mode) throws Exception {
        Path f = Files.writeString(dir.resolve(name), value + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(mode));
        return f;
    }
}
