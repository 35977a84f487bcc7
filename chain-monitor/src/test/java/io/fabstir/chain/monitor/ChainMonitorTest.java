package io.fabstir.chain.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.chain.contracts.FabstirContract;
import io.fabstir.chain.gas.GasTracker;
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
    void recordsAndCountsEachEventOnce() throws Exception {
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
            System.out.println(recs.get(recs.size() - 3));
            System.out.println(text);
        }
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
