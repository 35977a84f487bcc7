package io.fabstir.shipper.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DiscordBridgeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
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
        discord.createContext("/api/webhooks/1/token", ex -> {
            posted.add(JSON.readTree(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(discordStatus.get(), -1);
            ex.close();
        });
        discord.start();
        bridge = DiscordBridge.start("127.0.0.1", 0,
                "http://127.0.0.1:" + discord.getAddress().getPort() + "/api/webhooks/1/token");
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
    void aDiscordFailureIsA502SoAlertmanagerRetries() throws Exception {
        discordStatus.set(500);
        assertThat(post("firing", "high").statusCode()).isEqualTo(502);
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
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + bridge.port() + "/discord"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
