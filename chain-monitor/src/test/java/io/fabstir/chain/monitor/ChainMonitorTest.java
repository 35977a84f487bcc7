package io.fabstir.chain.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.chain.contracts.FabstirContract;
import io.fabstir.chain.gas.GasPricePoller;
import io.fabstir.chain.gas.GasTracker;
import io.fabstir.chain.http.MonitorEndpoint;
import io.fabstir.otel.health.HealthRegistry;
import java.math.BigInteger;
import io.fabstir.chain.health.ChainHealth;
import io.fabstir.chain.scenario.Deployment;
import io.fabstir.chain.scenario.Scenario;
import io.fabstir.localservices.LocalAnvil;
import io.fabstir.otel.health.HealthStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitor against a real anvil chain with the real contracts and real transactions. */
@Tag("integration")
class ChainMonitorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static LocalAnvil anvil;

    @TempDir
    Path dir;

    @BeforeAll
    static void startChain() {
        anvil = LocalAnvil.builder().start();
    }

    @AfterAll
    static void stopChain() {
        if (anvil != null) anvil.close();
    }

    @Test
    void eachEventIsRecordedAndCountedOnceWithItsGas() throws Exception {
        Rpc rpc = Rpc.connect(anvil.rpcUrl());
        Deployment d = Deployment.deploy(rpc, new io.fabstir.chain.scenario.Transactions(rpc).accounts().get(0));
        PrometheusRegistry registry = new PrometheusRegistry();
        Scenario s = new Scenario(rpc, d, null);
        long from = rpc.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        s.runShort(3);
        s.mine(2);
        long head = rpc.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
        Path events = dir.resolve("chain.json");
        try (ChainMonitor m = ChainMonitor.builder().rpc(rpc).contracts(d.addresses()).cursorFile(dir.resolve("cursor.json"))
                .eventLog(events).confirmations(2).startBlock(from).pollInterval(Duration.ofMillis(100))
                .registry(registry).nodeAddress(s.host(2)).readInterval(Duration.ofMillis(100)).build().start()) {
            await().atMost(Duration.ofSeconds(20)).until(() -> m.nextBlock() == head - 1);
            List<JsonNode> recs = read(events);
            assertThat(recs).hasSize(s.emittedTotal());
            Map<String, Integer> byEvent = new HashMap<>();
            Set<String> ids = new HashSet<>();
            for (JsonNode r : recs) {
                byEvent.merge(r.path("fabstir.chain.contract").asText() + "." + r.path("event.action").asText(), 1, Integer::sum);
                ids.add(r.path("event.id").asText());
                assertThat(r.path("event.dataset").asText()).isEqualTo("fabstir.contract");
            }
            assertThat(byEvent).isEqualTo(s.emitted());
            assertThat(ids).hasSize(recs.size());
            String text = scrape(registry);
            assertThat(text).contains("fabstir_contract_events_total{contract=\"NodeRegistry\",event=\"NodeSlashed\"} 1.0");
            assertThat(text).contains("fabstir_contract_events_total{contract=\"JobMarketplace\",event=\"JobPosted\"} 3.0");
            assertThat(text).contains("fabstir_payments_released_eth_total{token=\"ETH\"} 0.06");
            assertThat(text).contains("fabstir_gas_used_count{contract=\"JobMarketplace\",method=\"postJob\"} 3");
            await().atMost(Duration.ofSeconds(5)).until(() -> scrape(registry).contains("fabstir_staking_balance_eth{node=\"" + s.host(2) + "\"} 0.5"));
            assertThat(m.health().connectivity().status()).isEqualTo(HealthStatus.HEALTHY);
            assertThat(m.health().contracts().status()).isEqualTo(HealthStatus.HEALTHY);
        }
    }

    private Deployment deploy(Rpc rpc) throws Exception {
        return Deployment.deploy(rpc, new io.fabstir.chain.scenario.Transactions(rpc).accounts().get(0));
    }

    private static long head(Rpc rpc) throws Exception {
        return rpc.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    }

    private ChainMonitor.Builder monitor(Rpc rpc, Deployment d, long from, int confirmations, PrometheusRegistry r) {
        return ChainMonitor.builder().rpc(rpc).contracts(d.addresses()).cursorFile(dir.resolve("cursor.json"))
                .eventLog(dir.resolve("chain.json")).confirmations(confirmations).startBlock(from)
                .pollInterval(Duration.ofMillis(50)).registry(r).readInterval(Duration.ofMillis(100))
                .backoffMax(Duration.ofMillis(400));
    }

    @Test
    void blocksAboveTheConfirmationDepthWaitUntilConfirmed() throws Exception {
        Rpc rpc = Rpc.connect(anvil.rpcUrl());
        Deployment d = deploy(rpc);
        Scenario s = new Scenario(rpc, d, null);
        long from = head(rpc) + 1;
        try (ChainMonitor m = monitor(rpc, d, from, 3, new PrometheusRegistry()).build().start()) {
            s.registerHost(1, new BigDecimal("1"));
            long block = head(rpc);
            s.mine(2);
            Thread.sleep(500);
            assertThat(m.nextBlock()).isLessThanOrEqualTo(block);
            assertThat(Files.exists(dir.resolve("chain.json")) ? Files.readAllLines(dir.resolve("chain.json")) : List.of()).isEmpty();
            s.mine(1); // now block + 3 is the head
            await().atMost(Duration.ofSeconds(10)).until(() -> m.nextBlock() == block + 1);
            assertThat(read(dir.resolve("chain.json"))).hasSize(1);
        }
    }

    @Test
    void restartContinuesFromTheCursorAndNeitherMissesNorRepeats() throws Exception {
        Rpc rpc = Rpc.connect(anvil.rpcUrl());
        Deployment d = deploy(rpc);
        Scenario s = new Scenario(rpc, d, null);
        long from = head(rpc) + 1;
        s.registerHost(1, new BigDecimal("1"));
        s.registerHost(2, new BigDecimal("1"));
        long firstHead = head(rpc);
        try (ChainMonitor m = monitor(rpc, d, from, 0, new PrometheusRegistry()).build().start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> m.nextBlock() == firstHead + 1);
        }
        s.postJob(new BigDecimal("0.1"));
        s.propose(1, "x");
        long secondHead = head(rpc);
        PrometheusRegistry second = new PrometheusRegistry();
        try (ChainMonitor m = monitor(rpc, d, 0, 0, second).build().start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> m.nextBlock() == secondHead + 1);
        }
        List<JsonNode> recs = read(dir.resolve("chain.json"));
        assertThat(recs).extracting(r -> r.get("event.action").asText())
                .containsExactly("NodeRegistered", "NodeRegistered", "JobPosted", "ProposalCreated");
        assertThat(recs.stream().map(r -> r.get("event.id").asText()).distinct()).hasSize(4);
        // The second monitor counted only what it read.
        assertThat(scrape(second)).contains("fabstir_contract_events_total{contract=\"NodeRegistry\",event=\"NodeRegistered\"} 0.0")
                .contains("fabstir_contract_events_total{contract=\"JobMarketplace\",event=\"JobPosted\"} 1.0");
    }

    @Test
    void garbledOrFailingRpcIsUnhealthyAndRetriedWithoutMovingTheCursor() throws Exception {
        Rpc direct = Rpc.connect(anvil.rpcUrl());
        Deployment d = deploy(direct);
        Scenario s = new Scenario(direct, d, null);
        long from = head(direct) + 1;
        try (RpcProxy proxy = new RpcProxy(anvil.rpcUrl())) {
            Rpc rpc = Rpc.connect(proxy.url());
            PrometheusRegistry registry = new PrometheusRegistry();
            try (ChainMonitor m = monitor(rpc, d, from, 0, registry).build().start()) {
                s.registerHost(1, new BigDecimal("1"));
                long h1 = head(direct);
                await().atMost(Duration.ofSeconds(10)).until(() -> m.nextBlock() == h1 + 1);
                assertThat(m.health().connectivity().status()).isEqualTo(HealthStatus.HEALTHY);

                for (RpcProxy.Mode bad : List.of(RpcProxy.Mode.GARBAGE, RpcProxy.Mode.ERROR_PAGE)) {
                    proxy.mode = bad;
                    s.postJob(new BigDecimal("0.01"));
                    await().atMost(Duration.ofSeconds(10))
                            .until(() -> m.health().connectivity().status() == HealthStatus.UNHEALTHY);
                    Thread.sleep(600); // a few retries
                    assertThat(m.nextBlock()).as("cursor under %s", bad).isEqualTo(h1 + 1);
                    assertThat(m.health().connectivity().detail()).contains(proxy.url());
                }
                assertThat(scrape(registry)).containsPattern("fabstir_chain_rpc_errors_total [1-9]");

                proxy.mode = RpcProxy.Mode.FORWARD;
                long h2 = head(direct);
                await().atMost(Duration.ofSeconds(10)).until(() -> m.nextBlock() == h2 + 1);
                assertThat(m.health().connectivity().status()).isEqualTo(HealthStatus.HEALTHY);
                assertThat(read(dir.resolve("chain.json"))).extracting(r -> r.get("event.action").asText())
                        .containsExactly("NodeRegistered", "JobPosted", "JobPosted");
            }
        }
    }

    @Test
    void rpcDownAtStartIsUnhealthyAndWritesNoCursor() throws Exception {
        int port;
        try (java.net.ServerSocket ss = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = ss.getLocalPort();
        }
        Rpc rpc = Rpc.connect("http://127.0.0.1:" + port, Duration.ofSeconds(1));
        HealthRegistry health = new HealthRegistry(io.opentelemetry.api.OpenTelemetry.noop());
        ChainHealth ch = new ChainHealth(Duration.ofMinutes(5), Clock.systemUTC()).registerIn(health);
        try (ChainMonitor m = ChainMonitor.builder().rpc(rpc).contract(FabstirContract.NODE_REGISTRY, "0x" + "1".repeat(40))
                .cursorFile(dir.resolve("cursor.json")).eventLog(dir.resolve("chain.json")).registry(new PrometheusRegistry())
                .health(ch).backoffMax(Duration.ofMillis(300)).build().start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> health.evaluate().get(ChainHealth.NODE_CONNECTIVITY).status()
                    == HealthStatus.UNHEALTHY);
            assertThat(health.overall()).isEqualTo(HealthStatus.UNHEALTHY);
            assertThat(m.nextBlock()).isEqualTo(-1);
            assertThat(dir.resolve("cursor.json")).doesNotExist();
        }
    }

    @Test
    void gasTrackerRecordsTheNodesOwnTransactionsByMethodAndContract() throws Exception {
        Rpc rpc = Rpc.connect(anvil.rpcUrl());
        Deployment d = deploy(rpc);
        PrometheusRegistry r = new PrometheusRegistry();
        GasTracker gas = GasTracker.register(r);
        Scenario s = new Scenario(rpc, d, gas);
        s.registerHost(1, new BigDecimal("1"));
        s.postJob(new BigDecimal("0.01"));
        String text = scrape(r);
        assertThat(text).contains("fabstir_gas_used_count{contract=\"NodeRegistry\",method=\"register\"} 1")
                .contains("fabstir_gas_used_bucket{contract=\"NodeRegistry\",method=\"register\",le=\"21000.0\"} 0")
                .contains("fabstir_gas_used_bucket{contract=\"NodeRegistry\",method=\"register\",le=\"1000000.0\"} 1")
                .contains("fabstir_transaction_cost_eth_count{contract=\"JobMarketplace\",method=\"postJob\"} 1");
    }

    @Test
    void gasPriceGaugeReadsTheChainInGwei() throws Exception {
        Rpc rpc = Rpc.connect(anvil.rpcUrl());
        PrometheusRegistry r = new PrometheusRegistry();
        try (GasPricePoller p = GasPricePoller.start(rpc.web3j(), r, Duration.ofMinutes(10))) {
            BigInteger wei = rpc.web3j().ethGasPrice().send().getGasPrice();
            double gwei = p.poll();
            assertThat(gwei).isGreaterThan(0).isCloseTo(wei.doubleValue() / 1e9, org.assertj.core.data.Offset.offset(0.5));
            assertThat(scrape(r)).contains("fabstir_gas_price_gwei ");
        }
    }

    @Test
    void healthEndpointAnswers503WhenTheChainIsUnreachable() throws Exception {
        HealthRegistry health = new HealthRegistry(io.opentelemetry.api.OpenTelemetry.noop());
        ChainHealth ch = new ChainHealth(Duration.ofMinutes(5), Clock.systemUTC()).registerIn(health);
        PrometheusRegistry r = new PrometheusRegistry();
        try (MonitorEndpoint e = MonitorEndpoint.start("127.0.0.1", 0, r, health)) {
            ch.headSeen(10);
            ch.contractsRead(2);
            var ok = get("http://127.0.0.1:" + e.port() + "/health");
            assertThat(ok.statusCode()).isEqualTo(200);
            assertThat(ok.body()).contains("block 10");
            ch.rpcFailed("RPC http://127.0.0.1:1: connection refused");
            var bad = get("http://127.0.0.1:" + e.port() + "/health");
            assertThat(bad.statusCode()).isEqualTo(503);
            assertThat(bad.body()).contains("connection refused");
            assertThat(get("http://127.0.0.1:" + e.port() + "/metrics").body())
                    .contains("fabstir_health_status{check=\"node_connectivity\"} 0.0");
        }
    }

    private static java.net.http.HttpResponse<String> get(String url) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    static List<JsonNode> read(Path file) throws Exception {
        List<JsonNode> out = new java.util.ArrayList<>();
        for (String l : Files.readAllLines(file)) out.add(JSON.readTree(l));
        return out;
    }

    static String scrape(PrometheusRegistry r) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, r.scrape());
        return out.toString();
    }
}
