package io.fabstir.chain.monitor;

import io.fabstir.chain.contracts.ContractReader;
import io.fabstir.chain.contracts.EventCatalog;
import io.fabstir.chain.contracts.FabstirContract;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.Map;

/**
 * The node's economics as the contracts hold them, under the names the node's exporter uses:
 * {@code fabstir_staking_balance_eth}, {@code fabstir_reputation_score}, {@code fabstir_earnings_eth_total}
 * (labelled with the node's address). Read by the monitor's loop; a scrape only reads the last values, so a slow RPC
 * never slows {@code /metrics}.
 */
final class Economics {
    private final ContractReader reader;
    private final Map<FabstirContract, String> contracts;
    private final String node;
    private volatile double stakeEth = Double.NaN;
    private volatile double reputation = Double.NaN;
    private volatile double earningsEth = Double.NaN;

    Economics(PrometheusRegistry r, ContractReader reader, Map<FabstirContract, String> contracts, String node) {
        this.reader = reader;
        this.contracts = contracts;
        this.node = node;
        GaugeWithCallback.builder().name("fabstir_staking_balance_eth").help("Stake the NodeRegistry holds for the node, ETH")
                .labelNames("node").callback(cb -> {
                    if (!Double.isNaN(stakeEth)) cb.call(stakeEth, node);
                }).register(r);
        GaugeWithCallback.builder().name("fabstir_reputation_score").help("The node's reputation in the NodeRegistry")
                .labelNames("node").callback(cb -> {
                    if (!Double.isNaN(reputation)) cb.call(reputation, node);
                }).register(r);
        if (contracts.containsKey(FabstirContract.PAYMENT_ESCROW)) {
            CounterWithCallback.builder().name("fabstir_earnings_eth_total")
                    .help("Payments released to the node by the PaymentEscrow, ETH").labelNames("node").callback(cb -> {
                        if (!Double.isNaN(earningsEth)) cb.call(earningsEth, node);
                    }).register(r);
        }
    }

    void refresh() throws IOException {
        String registry = contracts.get(FabstirContract.NODE_REGISTRY);
        stakeEth = EventCatalog.eth(reader.stakeOf(registry, node)).doubleValue();
        reputation = reader.reputationOf(registry, node).doubleValue();
        String escrow = contracts.get(FabstirContract.PAYMENT_ESCROW);
        if (escrow != null) earningsEth = EventCatalog.eth(reader.earnings(escrow, node)).doubleValue();
    }
}
