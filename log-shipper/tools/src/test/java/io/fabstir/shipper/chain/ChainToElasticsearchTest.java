package io.fabstir.shipper.chain;

import io.fabstir.shipper.identity.ScopedIds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.chain.monitor.Rpc;
import io.fabstir.chain.scenario.Deployment;
import io.fabstir.chain.scenario.Scenario;
import io.fabstir.chain.scenario.Transactions;
import io.fabstir.localservices.LocalAnvil;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.shipper.harness.ShipperProcess;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract events from real transactions on a real anvil chain, through {@code chain} → event log → {@code tail} →
 * Kafka → {@code index} → Elasticsearch, each a child JVM; the chain monitor is killed with SIGKILL twice (once
 * between blocks, once while transactions flow) and restarted. Every event is in Elasticsearch once, and the
 * restarted monitor's counters hold only what it read after its cursor.
 */
@Tag("integration")
class ChainToElasticsearchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void everyEventReachesElasticsearchOnceAcrossKillNineOfTheMonitor() throws Exception {
        String run = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String topic = "it-chain-" + run;
        String bootstrap = SharedServices.kafkaBootstrap();
        SharedServices.kafka().createTopic(topic, 1);
        String esUrl = SharedServices.elasticsearchUrl();
        Path logs = Files.createDirectories(dir.resolve("logs"));
        try (LocalAnvil anvil = LocalAnvil.builder().dir(dir.resolve("anvil")).start();
             EsProbe es = new EsProbe(esUrl)) {
            Rpc rpc = Rpc.connect(anvil.rpcUrl());
            Deployment d = Deployment.deploy(rpc, new Transactions(rpc).accounts().get(0));
            Path deployment = dir.resolve("deployment.json");
            d.write(deployment);
            Scenario s = new Scenario(rpc, d, null);
            int port = freePort();
            List<String> chainArgs = List.of("chain", "--rpc-url", anvil.rpcUrl(), "--deployment", deployment.toString(),
                    "--cursor-file", dir.resolve("cursor.json").toString(), "--event-log", logs.resolve("chain.json").toString(),
                    "--confirmations", "1", "--poll-interval-ms", "50", "--metrics-port", Integer.toString(port),
                    "--node-address", s.host(2));
            ShipperProcess.Builder chain = ShipperProcess.builder("chain").args(chainArgs).log(dir.resolve("chain.log"));
            String index = "it-chain-" + run + "-{yyyy.MM.dd}";
            try (ShipperProcess tail = ShipperProcess.start(dir, bootstrap, topic, List.of(logs + "/*.json"));
                 ShipperProcess indexer = ShipperProcess.builder("index").heap("256m").log(dir.resolve("index.log"))
                         .args(List.of("index", "--bootstrap-servers", bootstrap, "--es-hosts", esUrl, "--topic", topic,
                                 "--dlq-topic", topic + ".dlq", "--group-id", "g-" + run, "--index-pattern", index,
                                 "--dlq-index-pattern", "it-chain-dlq-" + run + "-{yyyy.MM.dd}", "--replicas", "0",
                                 "--install-templates", "false")).start()) {
                ShipperProcess first = chain.start();
                s.registerHost(1, new BigDecimal("2"));
                s.registerHost(2, new BigDecimal("1"));
                BigInteger j1 = s.postJob(new BigDecimal("0.02"));
                BigInteger j2 = s.postJob(new BigDecimal("0.03"));
                s.completeJob(1, j1);
                s.mine(1);
                long head = head(rpc);
                // Between blocks: everything up to the confirmed head is committed, then SIGKILL.
                awaitCursor(head - 1, first); // 1 confirmation
                first.kill9();

                s.releasePayment(j1, new BigDecimal("0.02"));
                s.completeJob(2, j2);
                int beforeRestart = s.emittedTotal();
                ShipperProcess second = chain.start();
                awaitCursor(head(rpc) - 1, second);
                // While transactions flow: SIGKILL at whatever point the monitor is.
                Thread flow = new Thread(() -> {
                    try {
                        s.releasePayment(j2, new BigDecimal("0.03"));
                        s.slash(2, new BigDecimal("0.25"), "missed SLA");
                        for (int i = 0; i < 6; i++) s.postJob(new BigDecimal("0.01"));
                        s.propose(1, "lower fees");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                flow.start();
                Thread.sleep(150);
                second.kill9();
                flow.join();
                s.mine(1);
                long cursorAtRestart = cursor() + 1; // the next block the restarted monitor reads
                try (ShipperProcess third = chain.start()) {
                    long last = head(rpc);
                    awaitCursor(last - 1, third);
                    int total = s.emittedTotal();
                    await().atMost(Duration.ofSeconds(90)).until(() -> es.count("it-chain-" + run + "-*") >= total);
                    Thread.sleep(1500); // a duplicate, were there one, would land now
                    assertThat(es.count("it-chain-" + run + "-*")).isEqualTo(total);

                    Map<String, Integer> stored = new HashMap<>();
                    List<JsonNode> slashes = new ArrayList<>();
                    es.scan("it-chain-" + run + "-*", doc -> {
                        JsonNode src = doc.source();
                        assertThat(text(src, "event.dataset")).isEqualTo("fabstir.contract");
                        assertThat(doc.id()).isEqualTo(ScopedIds.document(text(src, "fabstir.node_id"),
                                text(src, "event.id")));
                        stored.merge(text(src, "fabstir.chain.contract") + "." + text(src, "event.action"), 1, Integer::sum);
                        if ("NodeSlashed".equals(text(src, "event.action"))) slashes.add(src);
                    });
                    assertThat(stored).isEqualTo(s.emitted());
                    assertThat(slashes).hasSize(1);
                    assertThat(text(slashes.get(0), "log.level")).isEqualTo("WARN");
                    assertThat(text(slashes.get(0), "fabstir.chain.args.amount_eth")).isEqualTo("0.25");
                    assertThat(text(slashes.get(0), "fabstir.node_id")).isEqualTo("node-it");

                    // The last process counted only what it read after its cursor: nothing twice.
                    String metrics = get("http://127.0.0.1:" + port + "/metrics").body();
                    long afterCursor = countEventsFrom(rpc, d, cursorAtRestart);
                    assertThat(sum(metrics, "fabstir_contract_events_total")).isEqualTo(afterCursor);
                    HttpResponse<String> health = get("http://127.0.0.1:" + port + "/health");
                    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
                    assertThat(health.body()).contains("node_connectivity").contains("contracts");
                    System.out.printf("chain → ES: %d events emitted, %d stored, %d before the first restart, "
                            + "%d counted by the last monitor (from block %d)%n", total, es.count("it-chain-" + run + "-*"),
                            beforeRestart, afterCursor, cursorAtRestart);
                }
            }
        }
    }

    private void awaitCursor(long block, ShipperProcess monitor) {
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> cursor() >= block);
        } catch (RuntimeException e) {
            throw new AssertionError("cursor " + cursor() + " not past block " + block + "; " + monitor + ":\n"
                    + monitor.logTail(40), e);
        }
    }

    private long cursor() {
        try {
            return JSON.readTree(dir.resolve("cursor.json").toFile()).path("next_block").asLong() - 1;
        } catch (Exception e) {
            return -1;
        }
    }

    private static long head(Rpc rpc) throws Exception {
        return rpc.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    /** Events of the deployment's contracts from {@code block} on, straight from eth_getLogs. */
    private static long countEventsFrom(Rpc rpc, Deployment d, long block) throws Exception {
        var f = new org.web3j.protocol.core.methods.request.EthFilter(
                org.web3j.protocol.core.DefaultBlockParameter.valueOf(BigInteger.valueOf(block)),
                org.web3j.protocol.core.DefaultBlockParameterName.LATEST, new ArrayList<>(d.addresses().values()));
        return rpc.web3j().ethGetLogs(f).send().getLogs().size();
    }

    static long sum(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*} ([0-9.eE+]+)$").matcher(metrics);
        double total = 0;
        while (m.find()) total += Double.parseDouble(m.group(1));
        return Math.round(total);
    }

    static String text(JsonNode src, String dotted) {
        if (src.has(dotted)) return src.get(dotted).asText();
        JsonNode n = src;
        for (String part : dotted.split("\\.")) n = n.path(part);
        return n.isMissingNode() ? null : n.asText();
    }

    static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
