package io.fabstir.shipper.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DiscordBridgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "3f1c0a9e5b7d2468ace13579bdf02468";
    /** A webhook token of Discord's shape, which the bridge must never repeat. */
    private static final String WEBHOOK_TOKEN = "Zx9" + "kQ2vT7mW4pL8nR1sY6bH3cJ5dF0gA_-".repeat(2) + "e4";
    private static final String NOTIFICATION = """
            {"version":"4","groupKey":"{}:{alertname=\\"FabstirHighErrorRate\\"}","status":"%s","receiver":"chat",
             "groupLabels":{"alertname":"FabstirHighErrorRate","instance":"n1:9464"},
             "commonLabels":{"alertname":"FabstirHighErrorRate","instance":"n1:9464","severity":"%s"},
             "commonAnnotations":{},"externalURL":"http://alertmanager:9093",
             "alerts":[{"status":"%s","labels":{"alertname":"FabstirHighErrorRate","severity":"%s"},
               "annotations":{"summary":"Job error rate above 5 %% on n1:9464","description":"12%% of jobs failed."},
               "startsAt":"2026-12-04T21:00:00Z","endsAt":"0001-01-01T00:00:00Z","fingerprint":"abc"}]}
            """;

    private HttpServer discord;
    private final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    private final AtomicInteger discordStatus = new AtomicInteger(204);
    private DiscordBridge bridge;

    @BeforeEach
    void start() throws Exception {
        discord = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 4);
        discord.createContext("/api/webhooks/1234567890/" + WEBHOOK_TOKEN, ex -> {
            posted.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(discordStatus.get(), -1);
            ex.close();
        });
        discord.start();
        bridge = DiscordBridge.start("127.0.0.1", 0, "http://127.0.0.1:" + discord.getAddress().getPort()
                + "/api/webhooks/1234567890/" + WEBHOOK_TOKEN, WebhookAuth.bearer(TOKEN));
    }

    @AfterEach
    void stop() {
        bridge.close();
        discord.stop(0);
    }

    @Test
    void eachSeverityGetsItsColourAndResolvedIsGreen() throws Exception {
        assertThat(post("firing", "critical").statusCode()).isEqualTo(200);
        post("firing", "high");
        post("firing", "medium");
        post("firing", "low");
        post("resolved", "high");

        assertThat(posted).extracting(m -> m.at("/embeds/0/color").asInt())
                .containsExactly(0xE74C3C, 0xE67E22, 0xF1C40F, 0x3498DB, DiscordBridge.RESOLVED_COLOUR);
        JsonNode embed = posted.get(1).at("/embeds/0");
        assertThat(embed.path("title").asText()).isEqualTo("[HIGH] FabstirHighErrorRate firing");
        assertThat(embed.path("description").asText())
                .isEqualTo("Job error rate above 5 % on n1:9464: 12% of jobs failed.\n");
        assertThat(embed.path("timestamp").asText()).isEqualTo("2026-12-04T21:00:00Z");
    }

    @Test
    void aDiscordFailureIsA502SoAlertmanagerRetriesAndItsAnswerHidesTheWebhookToken() throws Exception {
        discordStatus.set(500);
        HttpResponse<String> r = post("firing", "high");
        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(r.body()).contains("answered 500", "/api/webhooks/1234567890/").doesNotContain(WEBHOOK_TOKEN);
    }

    @Test
    void aNotificationWithoutTheTokenOrWithAnotherIsRefusedAndNotForwarded() throws Exception {
        HttpResponse<String> none = send(NOTIFICATION.formatted("firing", "high", "firing", "high"), null);
        HttpResponse<String> wrong = send(NOTIFICATION.formatted("firing", "high", "firing", "high"),
                "Bearer " + TOKEN.replace('3', '4'));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Bearer"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(posted).isEmpty();
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeItIsRead() throws Exception {
        try (Socket s = new Socket("127.0.0.1", bridge.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("POST /discord HTTP/1.1\r\nHost: bridge\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (DiscordBridge.MAX_BODY_BYTES + 1)
                    + "\r\n\r\n{\"alerts\":[").getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            assertThat(status).isEqualTo("HTTP/1.1 413 Request Entity Too Large");
        }
        assertThat(posted).isEmpty();
    }

    @Test
    void somethingThatIsNotANotificationIsRefused() throws Exception {
        HttpResponse<String> r = send("{\"hello\":1}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("no alerts array");
        assertThat(posted).isEmpty();
    }

    private HttpResponse<String> post(String status, String severity) throws Exception {
        return send(NOTIFICATION.formatted(status, severity, status, severity));
    }

    private HttpResponse<String> send(String body) throws Exception {
        return send(body, "Bearer " + TOKEN);
    }

    private HttpResponse<String> send(String body, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + bridge.port()
                        + "/discord")).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
