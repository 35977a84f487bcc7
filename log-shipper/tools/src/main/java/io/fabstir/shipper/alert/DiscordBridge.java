package io.fabstir.shipper.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Receives Alertmanager webhook notifications ({@code POST /discord}, payload version 4) and posts one Discord
 * webhook message per notification: an embed titled {@code [SEVERITY] alertname status}, one line per alert, the
 * colour of the severity. Discord's answer decides Alertmanager's: 2xx passes through as 200, anything else becomes
 * 502 so Alertmanager retries the notification.
 */
public final class DiscordBridge implements AutoCloseable {
    /** Embed colours (Discord takes RGB as an integer). */
    static final Map<String, Integer> SEVERITY_COLOURS = Map.of(
            "critical", 0xE74C3C, "high", 0xE67E22, "medium", 0xF1C40F, "low", 0x3498DB);
    static final int RESOLVED_COLOUR = 0x2ECC71;
    static final int OTHER_COLOUR = 0x95A5A6;
    private static final int MAX_TITLE = 256;
    private static final int MAX_DESCRIPTION = 4096;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final URI webhook;

    private DiscordBridge(HttpServer server, ExecutorService executor, URI webhook) {
        this.server = server;
        this.executor = executor;
        this.webhook = webhook;
    }

    /** Listens on {@code host:port} (0: a free port) and forwards to the Discord webhook {@code webhookUrl}. */
    public static DiscordBridge start(String host, int port, String webhookUrl) throws IOException {
        URI webhook = URI.create(webhookUrl.strip());
        if (!"https".equals(webhook.getScheme()) && !"http".equals(webhook.getScheme())) {
            throw new IllegalArgumentException("the Discord webhook URL must be http(s)://…/api/webhooks/{id}/{token}");
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "alert-bridge");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        DiscordBridge bridge = new DiscordBridge(server, executor, webhook);
        server.createContext("/discord", bridge::handle);
        server.start();
        return bridge;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            reply(ex, 405, "POST an Alertmanager webhook notification\n");
            return;
        }
        JsonNode notification;
        try {
            notification = JSON.readTree(ex.getRequestBody().readAllBytes());
        } catch (IOException e) {
            reply(ex, 400, "not JSON: " + e.getMessage() + "\n");
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
                reply(ex, 502, "Discord answered " + r.statusCode() + ": " + r.body() + "\n");
            }
        } catch (IOException e) {
            reply(ex, 502, "Discord not reached: " + e + "\n");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reply(ex, 503, "stopping\n");
        }
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
    }
}
