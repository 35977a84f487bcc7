package io.fabstir.shipper.cli;

import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.check.Checkable;
import io.fabstir.shipper.check.LocalChecks;
import io.fabstir.shipper.alert.DiscordBridge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code fabstir-shipper alert-bridge --discord-webhook-url-file FILE}: Alertmanager webhook → Discord with
 * severity colours (Alertmanager's {@code webhook_configs: [{url: http://HOST:9467/discord}]}).
 */
@Command(name = "alert-bridge", mixinStandardHelpOptions = true,
        description = "Forward Alertmanager webhook notifications to a Discord webhook, embeds coloured by severity")
public final class AlertBridgeCommand implements Callable<Integer>, ShipperCommand, Checkable {
    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "where Alertmanager posts (default 127.0.0.1:9467)")
    String listen = "127.0.0.1:9467";

    @Option(names = "--discord-webhook-url-file", paramLabel = "FILE",
            description = "file holding the Discord webhook URL (or env FABSTIR_DISCORD_WEBHOOK_URL)")
    Path webhookFile;

    @Override
    public Integer call() throws Exception {
        String url = System.getenv("FABSTIR_DISCORD_WEBHOOK_URL");
        if (webhookFile != null) {
            if (!Files.isReadable(webhookFile)) {
                spec.commandLine().getErr().println("--discord-webhook-url-file: " + webhookFile
                        + " is not a readable file (put the webhook URL https://discord.com/api/webhooks/… in it)");
                return 2;
            }
            url = Files.readString(webhookFile).strip();
        }
        int colon = listen.lastIndexOf(':');
        if (url == null || url.isBlank() || colon < 0) {
            spec.commandLine().getErr().println(url == null || url.isBlank()
                    ? "give --discord-webhook-url-file FILE or FABSTIR_DISCORD_WEBHOOK_URL"
                    : "--listen: '" + listen + "' is not HOST:PORT");
            return 2;
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (DiscordBridge bridge = DiscordBridge.start(listen.substring(0, colon),
                Integer.parseInt(listen.substring(colon + 1)), url)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "alert-bridge-stop"));
            spec.commandLine().getOut().println("alert-bridge: POST /discord on port " + bridge.port());
            stop.await();
        }
        return 0;
    }

    /**
     * {@code check alert-bridge}: the webhook URL is there (file readable by this user, or the variable) and is a
     * Discord webhook over https; the listen address is free. Nothing is posted to Discord.
     */
    @Override
    public void check(CheckReport report) {
        String url = System.getenv("FABSTIR_DISCORD_WEBHOOK_URL");
        String key = webhookFile != null ? "--discord-webhook-url-file" : "FABSTIR_DISCORD_WEBHOOK_URL";
        if (webhookFile != null) {
            try {
                url = Files.readString(webhookFile).strip();
            } catch (java.io.IOException e) {
                report.failed("webhook", "cannot read " + webhookFile + " as " + System.getProperty("user.name")
                        + ": " + e, key, "create it with the webhook URL alone, readable by this user only (mode 600)");
                url = null;
            }
        }
        if (url != null) {
            if (url.isBlank()) {
                report.failed("webhook", "no webhook URL", key, "give --discord-webhook-url-file FILE or "
                        + "FABSTIR_DISCORD_WEBHOOK_URL");
            } else if (!url.matches("https?://[^/]+/api/webhooks/\\d+/[A-Za-z0-9_-]+")) {
                // Never echo the URL: its last part is the webhook's secret.
                report.failed("webhook", "the URL is not a Discord webhook (https://discord.com/api/webhooks/<id>/<token>)",
                        key, "copy the webhook URL from the channel's Integrations settings");
            } else if (!url.matches("https://(discord\\.com|discordapp\\.com|(ptb|canary)\\.discord\\.com)/.*")) {
                report.warn("webhook", "a webhook URL, but not Discord's over https (a test receiver?)", key,
                        "use the URL Discord gives (https://discord.com/api/webhooks/<id>/<token>)");
            } else {
                report.ok("webhook", "a Discord webhook URL (not printed: it is a secret); nothing was posted");
            }
        } else if (webhookFile == null) {
            report.failed("webhook", "no webhook URL", key, "give --discord-webhook-url-file FILE or "
                    + "FABSTIR_DISCORD_WEBHOOK_URL");
        }
        int colon = listen.lastIndexOf(':');
        try {
            LocalChecks.listenPort(report, "listen", "--listen", listen.substring(0, colon),
                    Integer.parseInt(listen.substring(colon + 1)));
        } catch (RuntimeException e) {
            report.failed("listen", "'" + listen + "' is not HOST:PORT", "--listen", "e.g. 127.0.0.1:9467");
        }
    }
}
