package io.fabstir.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabstir.chain.contracts.FabstirContract;
import io.fabstir.chain.gas.GasTracker;
import io.fabstir.chain.monitor.ChainMonitor;
import io.fabstir.chain.monitor.Rpc;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain monitor registers exactly the chain families the rules and the Chain row may use (no RPC needed to build
 * it); ExportedSeries scrapes the same registry for the selector checks of the integration tests.
 */
class ChainMetricNamesTest {
    @TempDir
    Path dir;

    @Test
    void chainSectionOfTheMetricListMatchesTheMonitorsRegistry() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        Rpc rpc = Rpc.connect("http://127.0.0.1:1");
        try {
            ChainMonitor.builder().rpc(rpc).contract(FabstirContract.NODE_REGISTRY, "0x" + "1".repeat(40))
                    .cursorFile(dir.resolve("c.json")).eventLog(dir.resolve("e.json")).registry(registry)
                    .gasTracker(GasTracker.register(registry)).build();
        } finally {
            rpc.close();
        }
        Set<String> registered = new TreeSet<>();
        registry.scrape().forEach(s -> registered.add(s.getMetadata().getPrometheusName()
                + (s instanceof io.prometheus.metrics.model.snapshots.CounterSnapshot ? "_total" : "")));
        assertThat(registered).containsExactlyInAnyOrder("fabstir_contract_events_total", "fabstir_job_value_eth",
                "fabstir_payments_released_eth_total", "fabstir_job_completion_seconds", "fabstir_chain_rpc_errors_total",
                "fabstir_gas_used", "fabstir_transaction_cost_eth");
    }
}
