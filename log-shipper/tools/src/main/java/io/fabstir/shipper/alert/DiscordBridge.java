package io.fabstir.shipper.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabstir.otel.http.Deadlines;
import io.fabstir.shipper.logging.LogExcerpt;
import io.fabstir.shipper.logging.OwnLogRedaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Receives Alertmanager webhook notifications ({@code POST /discord}, payload version 4) and posts one Discord
 * webhook message per notification: an embed titled {@code [SEVERITY] alertname status}, one line per alert, the
 * colour of the severity. Discord's answer decides Alertmanager's: 2xx passes through as 200, anything else becomes
 * 502 so Alertmanager retries the notification.
 *
 * <p>Whoever can post here can write in the operators' channel, so the port has the node's port's rules: a
 * credential ({@link WebhookAuth}) checked before the body is read ({@code 401} otherwise), a body of at most
 * {@value #MAX_BODY_BYTES} bytes ({@code 413}), at most {@value #THREADS} requests at once and {@value #QUEUED}
 * waiting (a connection beyond that is closed), and each request done within {@value #REQUEST_SECONDS} s (a client
 * that sends too slowly loses its connection). What the bridge says about a failure (its log, its answers) never
 * holds the Discord webhook URL's token.
 */
public final class DiscordBridge implements AutoCloseable {
    /** Embed colours (Discord takes RGB as an integer). */
    static final Map<String, Integer> SEVERITY_COLOURS = Map.of(
            "critical", 0xE74C3C, "high", 0xE67E22, "medium", 0xF1C40F, "low", 0x3498DB);
    static final int RESOLVED_COLOUR = 0x2ECC71;
    static final int OTHER_COLOUR = 0x95A5A6;
    /** Alertmanager's notification for a group of a few hundred alerts is well under this. */
    static final int MAX_BODY_BYTES = 1 << 20;
    static final int THREADS = 4;
    static final int QUEUED = 16;
    /** Longer than a Discord post may take (10 s to connect, 15 s for the answer), so only a slow client hits it. */
    static final int REQUEST_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(DiscordBridge.class);
    private static final int MAX_TITLE = 256;
    private static final int MAX_DESCRIPTION = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ThreadPoolExecutor executor;
    private final Deadlines deadlines;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI webhook;
    private final String shownWebhook;
    private final WebhookAuth auth;

    private DiscordBridge(HttpServer server, ThreadPoolExecutor executor, Deadlines deadlines, URI webhook,
                          WebhookAuth auth) {
        this.server = server;
        this.executor = executor;
        this.deadlines = deadlines;
        this.webhook = webhook;
        this.shownWebhook = OwnLogRedaction.knownUrl(webhook.toString());
        this.auth = auth;
    }

    /**
     * Listens on {@code host:port} (0: a free port) and forwards to the Discord webhook {@code webhookUrl}; a
     * notification is taken only with {@code auth}'s credential (any, with {@link WebhookAuth#none()}).
     */
    public static DiscordBridge start(String host, int port, String webhookUrl, WebhookAuth auth) throws IOException {
        URI webhook = URI.create(webhookUrl.strip());
        if (!"https".equals(webhook.getScheme()) && !"http".equals(webhook.getScheme())) {
            throw new IllegalArgumentException("the Discord webhook URL must be http(s)://…/api/webhooks/{id}/{token}");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        Deadlines deadlines = new Deadlines("alert-bridge-deadlines");
        ThreadPoolExecutor pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUED), r -> {
                    Thread t = new Thread(r, "alert-bridge");
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        // Each exchange, from its request line to the answer, under a deadline: the JDK server has no per-server
        // time limit (its own are JVM-wide properties), so a watchdog interrupts a thread a slow client holds.
        server.setExecutor(exchange -> pool.execute(() -> {
            try (Deadlines.Lease lease = deadlines.start(Duration.ofSeconds(REQUEST_SECONDS))) {
                exchange.run();
            }
        }));
        DiscordBridge bridge = new DiscordBridge(server, pool, deadlines, webhook, auth);
        server.createContext("/discord", bridge::handle);
        server.start();
        return bridge;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            ex.getResponseHeaders().set("Allow", "POST");
            reply(ex, 405, "POST an Alertmanager webhook notification\n");
            return;
        }
        if (!auth.accepts(ex.getRequestHeaders().getFirst("Authorization"))) {
            ex.getResponseHeaders().set("WWW-Authenticate", auth.challenge());
            reply(ex, 401, "the bridge's credential is missing or wrong (Alertmanager: http_config of the "
                    + "webhook_configs entry)\n");
            return;
        }
        byte[] body = body(ex);
        if (body == null) {
            reply(ex, 413, "a notification is at most " + MAX_BODY_BYTES + " bytes (lower max_alerts of the "
                    + "webhook_configs entry)\n");
            return;
        }
        JsonNode notification;
        try {
            notification = JSON.readTree(body);
        } catch (IOException e) {
            reply(ex, 400, "not JSON: " + LogExcerpt.cut(e.getMessage()) + "\n");
            return;
        }
        if (notification == null || !notification.path("alerts").isArray()) {
            reply(ex, 400, "not an Alertmanager webhook notification (no alerts array)\n");
            return;
        }
        byte[] message = JSON.writeValueAsBytes(discordMessage(notification));
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(webhook).timeout(Duration.ofSeconds(15))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(message)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 == 2) {
                reply(ex, 200, "sent\n");
            } else {
                String why = "Discord (" + shownWebhook + ") answered " + r.statusCode() + ": "
                        + LogExcerpt.cut(shown(r.body()));
                LOG.warn("{}; Alertmanager will retry the notification", why);
                reply(ex, 502, why + "\n");
            }
        } catch (IOException e) {
            String why = "Discord (" + shownWebhook + ") not reached: " + LogExcerpt.cut(shown(e.toString()));
            LOG.warn("{}; Alertmanager will retry the notification", why);
            reply(ex, 502, why + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(ex, 503, "stopping\n");
        }
    }

    /** The request body, or null when it is longer than {@link #MAX_BODY_BYTES} (read no further than that). */
    private static byte[] body(HttpExchange ex) throws IOException {
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null) {
            try {
                if (Long.parseLong(declared.strip()) > MAX_BODY_BYTES) {
                    return null;
                }
            } catch (NumberFormatException e) {
                // the JDK server has refused a malformed length already; read with the limit all the same
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            return bytes.length > MAX_BODY_BYTES ? null : bytes;
        }
    }

    /** Text from Discord or the HTTP client with the webhook URL (its token) replaced by its redacted form. */
    private String shown(String text) {
        return OwnLogRedaction.text(text.replace(webhook.toString(), shownWebhook));
    }

    /** The Discord webhook body for one Alertmanager notification. */
    static ObjectNode discordMessage(JsonNode notification) {
        String status = notification.path("status").asText("firing");
        JsonNode common = notification.path("commonLabels");
        String severity = common.path("severity").asText("");
        String alertname = common.path("alertname").asText(notification.path("groupLabels").path("alertname").asText("alert"));
        StringBuilder description = new StringBuilder();
        for (JsonNode alert : notification.path("alerts")) {
            JsonNode a = alert.path("annotations");
            String line = a.path("summary").asText(alert.path("labels").path("alertname").asText(""));
            if (a.hasNonNull("description")) {
                line += ": " + a.path("description").asText();
            }
            if (alert.path("status").asText().equals("resolved") && status.equals("firing")) {
                line = "(resolved) " + line;
            }
            description.append(line).append('\n');
        }
        ObjectNode embed = JSON.createObjectNode();
        embed.put("title", cut("[" + (severity.isEmpty() ? "ALERT" : severity.toUpperCase(Locale.ROOT)) + "] "
                + alertname + " " + status, MAX_TITLE));
        embed.put("description", cut(description.toString(), MAX_DESCRIPTION));
        embed.put("color", status.equals("resolved") ? RESOLVED_COLOUR
                : SEVERITY_COLOURS.getOrDefault(severity, OTHER_COLOUR));
        JsonNode first = notification.path("alerts").path(0);
        if (first.hasNonNull("startsAt")) {
            embed.put("timestamp", first.path("startsAt").asText());
        }
        if (notification.hasNonNull("externalURL")) {
            embed.put("url", notification.path("externalURL").asText());
        }
        ObjectNode message = JSON.createObjectNode();
        message.put("content", "");
        ArrayNode embeds = message.putArray("embeds");
        embeds.add(embed);
        return message;
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        deadlines.close();
    }
}
