package io.fabstir.shipper.cli;

import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.check.Checkable;
import io.fabstir.shipper.check.LocalChecks;
import io.fabstir.shipper.alert.DiscordBridge;
import io.fabstir.shipper.alert.WebhookAuth;
import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.files.SecretFile;
import io.fabstir.shipper.logging.OwnLogRedaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code fabstir-shipper alert-bridge --discord-webhook-url-file FILE --token-file FILE}: Alertmanager webhook →
 * Discord with severity colours (Alertmanager's {@code webhook_configs: [{url: http://HOST:9467/discord,
 * http_config: {authorization: {credentials_file: …}}}]}). Its port has the node's port's rules: loopback unless
 * told otherwise, a credential from a file or the environment (required beyond loopback), and a bad credential file
 * stops the start naming its option.
 */
@Command(name = "alert-bridge", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Forward Alertmanager webhook notifications to a Discord webhook, embeds coloured by severity.",
            "",
            "Alertmanager authenticates with the bridge's token (http_config.authorization with credentials_file) or "
                + "user and password (http_config.basic_auth with password_file); a request without it gets 401. "
                + "Secret files must not be readable by every user (chmod 600).",
            ""},
        footer = {"", "Exit code 2: a missing, unreadable, empty or world-readable secret file, a short token, or "
                + "--listen beyond loopback without a credential (the message names the option)."})
public final class AlertBridgeCommand implements Callable<Integer>, ShipperCommand, Checkable {
    static final String TOKEN_ENV = "FABSTIR_ALERT_BRIDGE_TOKEN";
    static final String BASIC_ENV = "FABSTIR_ALERT_BRIDGE_BASIC_AUTH";
    static final String WEBHOOK_ENV = "FABSTIR_DISCORD_WEBHOOK_URL";
    private static final Logger LOG = LoggerFactory.getLogger(AlertBridgeCommand.class);

    @Spec
    CommandSpec spec;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "where Alertmanager posts (default "
            + "127.0.0.1:9467; 0.0.0.0:9467 for every interface, which needs a credential)")
    String listen = "127.0.0.1:9467";

    @Option(names = "--discord-webhook-url-file", paramLabel = "FILE",
            description = "file holding the Discord webhook URL (or env " + WEBHOOK_ENV + ")")
    Path webhookFile;

    @Option(names = "--token-file", paramLabel = "FILE", description = "file holding the bearer token Alertmanager "
            + "sends, at least 16 characters: openssl rand -hex 32 (or env " + TOKEN_ENV + ")")
    Path tokenFile;

    @Option(names = "--basic-auth-file", paramLabel = "FILE", description = "file holding user:password for basic "
            + "auth (or env " + BASIC_ENV + "); with --token-file, either is accepted")
    Path basicFile;

    /** The environment (a test gives its own). */
    Map<String, String> env = System.getenv();

    @Override
    public Integer call() throws Exception {
        String url;
        WebhookAuth auth;
        String host;
        int port;
        boolean loopback;
        try {
            url = secret("--discord-webhook-url-file", webhookFile, WEBHOOK_ENV);
            if (url == null) {
                throw new ConfigException("--discord-webhook-url-file", "is required: a file holding the Discord "
                        + "webhook URL https://discord.com/api/webhooks/… (or " + WEBHOOK_ENV + ")");
            }
            auth = auth();
            host = listenHost();
            port = listenPort();
            loopback = loopbackOnly(host);
            if (!auth.configured() && !loopback) {
                throw new ConfigException("--listen", host + " is reachable from other hosts, where anyone could post "
                        + "to the operators' Discord: set --token-file (or " + TOKEN_ENV + ") and give Alertmanager "
                        + "the same token, or listen on 127.0.0.1");
            }
        } catch (ConfigException e) {
            spec.commandLine().getErr().println("fabstir-shipper alert-bridge: invalid configuration: "
                    + e.getMessage());
            return 2;
        }
        if (!auth.configured()) {
            LOG.warn("alert-bridge takes notifications without a credential (loopback only); set --token-file");
        } else if (!loopback) {
            LOG.warn("alert-bridge's credential travels in clear over http on {}: keep Alertmanager and the bridge "
                    + "on a private network, or beside each other on loopback", host);
        }
        CountDownLatch stop = new CountDownLatch(1);
        try (DiscordBridge bridge = DiscordBridge.start(host, port, url, auth)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "alert-bridge-stop"));
            spec.commandLine().getOut().println("alert-bridge: POST /discord on port " + bridge.port()
                    + (auth.configured() ? " (credential required)" : ""));
            stop.await();
        } catch (IOException e) {
            spec.commandLine().getErr().println("fabstir-shipper alert-bridge: cannot listen on " + listen
                    + " (--listen): " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /**
     * {@code check alert-bridge}: the webhook URL and the credential are read as the bridge reads them, the URL is a
     * Discord webhook over https, a credential is there where the address reaches beyond loopback, and the listen
     * address is free. Nothing is posted to Discord.
     */
    @Override
    public void check(CheckReport report) {
        String key = webhookFile != null ? "--discord-webhook-url-file" : WEBHOOK_ENV;
        try {
            String url = secret("--discord-webhook-url-file", webhookFile, WEBHOOK_ENV);
            if (url == null) {
                report.failed("webhook", "no webhook URL", key, "give --discord-webhook-url-file FILE (mode 600) or "
                        + WEBHOOK_ENV);
            } else if (!url.matches("https?://[^/]+/api/webhooks/\\d+/[A-Za-z0-9_-]+")) {
                // Never echo the URL: its last part is the webhook's secret.
                report.failed("webhook", "the URL is not a Discord webhook (https://discord.com/api/webhooks/<id>/"
                        + "<token>)", key, "copy the webhook URL from the channel's Integrations settings");
            } else if (!url.matches("https://(discord\\.com|discordapp\\.com|(ptb|canary)\\.discord\\.com)/.*")) {
                report.warn("webhook", "a webhook URL, but not Discord's over https (a test receiver?)", key,
                        "use the URL Discord gives (https://discord.com/api/webhooks/<id>/<token>)");
            } else {
                report.ok("webhook", "a Discord webhook URL (not printed: it is a secret); nothing was posted");
            }
        } catch (ConfigException e) {
            report.failed("webhook", e);
        }
        String host;
        int port;
        try {
            host = listenHost();
            port = listenPort();
        } catch (ConfigException e) {
            report.failed("listen", e.reason(), "--listen", "e.g. 127.0.0.1:9467");
            return;
        }
        try {
            WebhookAuth auth = auth();
            if (auth.configured()) {
                report.ok("credential", "Alertmanager must send the configured credential");
            } else if (loopbackOnly(host)) {
                report.warn("credential", "none: any local process may post (loopback only)", "--token-file",
                        "openssl rand -hex 32 > FILE (mode 600), and the same file as Alertmanager's credentials_file");
            } else {
                report.failed("credential", host + " is reachable from other hosts and no credential is set",
                        "--token-file", "set --token-file (or " + TOKEN_ENV + ") or listen on 127.0.0.1");
            }
        } catch (ConfigException e) {
            report.failed("credential", e);
        }
        LocalChecks.listenPort(report, "listen", "--listen", host, port);
    }

    private String listenHost() {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException("--listen", "'" + listen + "' is not HOST:PORT");
        }
        return listen.substring(0, colon);
    }

    private int listenPort() {
        try {
            return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
        } catch (NumberFormatException e) {
            throw new ConfigException("--listen", "'" + listen + "' is not HOST:PORT");
        }
    }

    private WebhookAuth auth() {
        String token = secret("--token-file", tokenFile, TOKEN_ENV);
        String basic = secret("--basic-auth-file", basicFile, BASIC_ENV);
        check(token, null, tokenFile != null ? "--token-file" : TOKEN_ENV);
        check(null, basic, basicFile != null ? "--basic-auth-file" : BASIC_ENV);
        OwnLogRedaction.knownSecret(token);
        OwnLogRedaction.knownSecret(basic == null ? null : basic.substring(basic.indexOf(':') + 1));
        return WebhookAuth.of(token, basic);
    }

    private static void check(String token, String basic, String key) {
        try {
            WebhookAuth.of(token, basic);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    /** The file's one line (checked as every secret file), else the variable, else null. */
    private String secret(String option, Path file, String variable) {
        if (file != null) {
            return SecretFile.readLine(option, file);
        }
        String v = env.get(variable);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** Whether every address {@code host} names is a loopback one (nothing but this host can connect). */
    static boolean loopbackOnly(String host) {
        try {
            InetAddress[] all = InetAddress.getAllByName(host);
            for (InetAddress a : all) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return all.length > 0;
        } catch (UnknownHostException e) {
            throw new ConfigException("--listen", "unknown host " + host);
        }
    }
}
