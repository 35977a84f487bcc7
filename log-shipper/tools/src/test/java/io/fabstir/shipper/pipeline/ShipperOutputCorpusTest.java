package io.fabstir.shipper.pipeline;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.fabstir.enrichers.redact.SecretCorpus;
import io.fabstir.enrichers.redact.SecretCorpus.Secret;
import io.fabstir.localservices.LocalKafka;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.ShipperProcess;
import io.fabstir.shipper.harness.TopicContents;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shipper's own exits, each command run as an operator runs it (the CLI's {@code main} in a child JVM, stdout
 * and stderr captured together): no byte of any {@link SecretCorpus} secret leaves by its log, its console or the
 * chain monitor's {@code /health}, when the secrets are in the files {@code tail} reads, in the URLs the commands
 * are configured with (an RPC URL with the key in its path, a Kafka bootstrap and a Loki URL with userinfo and a
 * token parameter, a Discord webhook URL), and in what the far side answers when it refuses (an RPC provider's and
 * Discord's error bodies, which client libraries put into their exceptions). The look-alikes survive.
 */
@Tag("integration")
class ShipperOutputCorpusTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = Long.toString(System.currentTimeMillis() % 10_000_000L, 36);
    private static final String TOKEN = "7d1e93b0c4a85f26e1d09c3b7a4f8e25";
    private static final List<AutoCloseable> CLOSE = new ArrayList<>();

    @TempDir
    static Path dir;
    private static LocalKafka kafka;
    /** What a refusing RPC provider or Discord answers: every secret of the corpus, and every look-alike. */
    private static String refusal;
    private static HttpServer farSide;

    @BeforeAll
    static void start() throws Exception {
        kafka = SharedServices.kafka();
        StringBuilder body = new StringBuilder("{\"error\":\"refused: ");
        int n = 0;
        for (Secret s : SecretCorpus.secrets()) {
            body.append(SecretCorpus.inMessage(s, n++).replace("\"", "'")).append("; ");
        }
        body.append(lookAlikes()).append("\"}");
        refusal = body.toString();
        farSide = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        farSide.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] b = refusal.getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ex.getRequestURI().getPath().startsWith("/api/webhooks/") ? 400 : 401, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        farSide.start();
        CLOSE.add(() -> farSide.stop(0));
    }

    @AfterAll
    static void stop() throws Exception {
        for (int i = CLOSE.size() - 1; i >= 0; i--) {
            CLOSE.get(i).close();
        }
    }

    @Test
    void tailReadsTheCorpusAndItsKafkaClientsRefusalOfABootstrapUrlWithAPasswordShowsNeither() throws Exception {
        String topic = "it.output-corpus." + RUN;
        kafka.createTopic(topic, 1);
        Path log = Files.createDirectories(dir.resolve("tail-logs")).resolve("app.json");
        int lines = writeCorpus(log);
        ShipperProcess tail = ShipperProcess.start(dir.resolve("tail"), kafka.bootstrapServers(), topic,
                List.of(log.toString()));
        CLOSE.add(tail);
        try (TopicContents shipped = new TopicContents(kafka.bootstrapServers(), topic)) {
            assertThat(shipped.readUntil(r -> r.size() >= lines, Duration.ofSeconds(90))).as(tail.logTail(20))
                    .isTrue();
        }
        tail.terminate();

        String password = secret("url-userinfo/amqp-password").distinctive();
        Path badDir = dir.resolve("tail-bad-bootstrap");
        ShipperProcess refused = ShipperProcess.builder("tail-bad-bootstrap").args(ShipperProcess.tailArgs("node-it",
                        "it-host", "SASL_SSL://node-7:" + password + "@kafka.invalid:9093", topic,
                        badDir.resolve("checkpoint.json"), List.of(log.toString())))
                .log(badDir.resolve("shipper.log")).start();
        CLOSE.add(refused);
        await().atMost(Duration.ofSeconds(60)).until(() -> !refused.alive());

        assertThat(output(tail)).contains("following ");
        assertThat(output(refused)).contains("bootstrap.servers", "@kafka.invalid:9093");
        assertNoSecret(output(tail) + output(refused));
    }

    @Test
    void indexShowsItsLokiUrlWithoutTheUserinfoPasswordOrTheToken() throws Exception {
        String password = secret("url-userinfo/password-without-user").distinctive();
        String token = secret("url-query/access-token").distinctive();
        String topic = "it.output-corpus-index." + RUN;
        kafka.createTopic(topic, 1);
        ShipperProcess index = ShipperProcess.builder("index-loki").args(List.of("index", "--sink", "loki",
                        "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic,
                        "--dlq-topic", topic + ".dlq",
                        "--loki-url", "http://fabstir:" + password + "@127.0.0.1:" + freePort()
                                + "/loki/api/v1/push?access_token=" + token))
                .log(dir.resolve("index/index.log")).start();
        CLOSE.add(index);
        index.awaitLog("Loki sink pushing to", Duration.ofSeconds(60));
        index.terminate();

        assertThat(output(index)).contains("/loki/api/v1/push");
        assertNoSecret(output(index));
    }

    @Test
    void theChainMonitorsLogAndHealthShowTheRpcUrlWithoutItsKeyNorWhatTheProviderEchoes() throws Exception {
        String key = secret("url-path/infura").distinctive();
        Path chainDir = Files.createDirectories(dir.resolve("chain"));
        Path rpcFile = secretFile(chainDir.resolve("rpc-url"),
                "http://127.0.0.1:" + farSide.getAddress().getPort() + "/v3/" + key);
        int port = freePort();
        ShipperProcess chain = ShipperProcess.builder("chain").args(List.of("chain", "--rpc-url-file",
                        rpcFile.toString(), "--node-registry", "0x5fbdb2315678afecb367f032d93f642f64180aa3",
                        "--cursor-file", chainDir.resolve("cursor.json").toString(),
                        "--event-log", chainDir.resolve("events.json").toString(),
                        "--metrics-port", Integer.toString(port)))
                .log(chainDir.resolve("chain.log")).start();
        CLOSE.add(chain);
        chain.awaitLog("chain RPC http://127.0.0.1:", Duration.ofSeconds(60));
        String health = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
        chain.terminate();

        String detail = JSON.readTree(health).at("/checks/node_connectivity/detail").asText();
        assertThat(detail).startsWith("RPC http://127.0.0.1:" + farSide.getAddress().getPort() + "/v3/[REDACTED]: ")
                .contains(lookAlikes());
        assertThat(output(chain)).contains("/v3/[REDACTED]", lookAlikes());
        assertNoSecret(health + output(chain));
    }

    @Test
    void theAlertBridgeShowsNeitherItsWebhookTokenNorWhatDiscordAnswers() throws Exception {
        Secret discord = secret("webhook/discord");
        Path bridgeDir = Files.createDirectories(dir.resolve("bridge"));
        Path webhook = secretFile(bridgeDir.resolve("webhook"), discord.value()
                .replace("https://discord.com", "http://127.0.0.1:" + farSide.getAddress().getPort()));
        int port = freePort();
        ShipperProcess bridge = ShipperProcess.builder("alert-bridge").args(List.of("alert-bridge", "--listen",
                        "127.0.0.1:" + port, "--discord-webhook-url-file", webhook.toString(),
                        "--token-file", secretFile(bridgeDir.resolve("token"), TOKEN).toString()))
                .log(bridgeDir.resolve("bridge.log")).start();
        CLOSE.add(bridge);
        bridge.awaitLog("POST /discord on port", Duration.ofSeconds(60));
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/discord"))
                .header("Authorization", "Bearer " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"status\":\"firing\",\"alerts\":[{\"labels\":"
                        + "{\"alertname\":\"FabstirNodeDown\"}}]}")).build(), HttpResponse.BodyHandlers.ofString());
        bridge.awaitLog("answered 400", Duration.ofSeconds(30));
        bridge.terminate();

        assertThat(answer.statusCode()).isEqualTo(502);
        assertThat(output(bridge)).contains("/api/webhooks/").doesNotContain(TOKEN);
        assertNoSecret(answer.body() + output(bridge));
    }

    /** Each secret in a JSON record (message, nested field, arrays) and in a plain-text line. */
    private static int writeCorpus(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (Secret s : SecretCorpus.secrets()) {
            ObjectNode r = SecretCorpus.record(s, n++);
            r.put("@timestamp", Instant.now().toString());
            r.put("event.id", "output-" + RUN + "-" + n);
            sb.append(JSON.writeValueAsString(r)).append('\n');
            sb.append(Instant.now()).append(" WARN [main] ").append(SecretCorpus.inMessage(s, n++)).append('\n');
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
        return 2 * SecretCorpus.secrets().size();
    }

    /** The look-alikes as {@code name=value} text, as a far side's error message might quote them. */
    private static String lookAlikes() {
        return SecretCorpus.lookAlikes().stream().map(l -> l.name() + "=" + l.value())
                .collect(Collectors.joining(", "));
    }

    private static void assertNoSecret(String output) {
        assertThat(output).isNotBlank();
        assertThat(SecretCorpus.leaks(output)).as(output).isEmpty();
    }

    private static String output(ShipperProcess p) throws IOException {
        return Files.readString(p.log(), StandardCharsets.UTF_8);
    }

    private static Secret secret(String family) {
        return SecretCorpus.secrets().stream().filter(s -> s.family().equals(family)).findFirst().orElseThrow();
    }

    private static Path secretFile(Path file, String content) throws IOException {
        Files.writeString(file, content + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** A port nothing listens on now. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
