package io.fabstir.shipper.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AlertBridgeCommandTest {

    @Test
    void aMissingWebhookFileStopsAtStartNamingTheOption() {
        CommandLine cli = FabstirShipper.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));

        int exit = cli.execute("alert-bridge", "--discord-webhook-url-file", "/nonexistent/discord_webhook_url");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--discord-webhook-url-file", "/nonexistent/discord_webhook_url",
                "not a readable file");
    }
}
