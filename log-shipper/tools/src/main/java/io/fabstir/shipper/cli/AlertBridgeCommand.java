package io.fabstir.shipper.cli;

import io.fabstir.shipper.alert.DiscordBridge;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;
import java.nio.file.Files;
import java.nio.file.Path;

import java.util.concurrent.CountDownLatch;

/**
 * {@code fabstir-shipper alert-bridge --discord-webhook-url-file FILE}: Alertmanager webhook → Discord with
 * severity colours (Alertmanager's {@code webhook_configs: [{url: http://HOST:9467/discord}]}).
 */
@Command(name = "alert-bridge", mixinStandardHelpOptions = true,
        description = "Forward Alertmanager webhook notifications to a Discord webhook, embeds coloured by severity")
public final class AlertBridgeCommand implements Callable<Integer>, ShipperCommand {
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
}
