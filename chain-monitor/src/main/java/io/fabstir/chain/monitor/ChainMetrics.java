package io.fabstir.chain.monitor;

import io.fabstir.chain.contracts.DecodedEvent;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigDecimal;

/**
 * The monitor's event metrics. Counted only after the block range they came from is committed (cursor written), so a
 * restart never counts an event twice in one process.
 */
final class ChainMetrics {
    static final String TOKEN_ETH = "ETH";

    private final Counter events;
    private final Histogram jobValue;
    private final Counter paymentsReleased;
    private final Histogram jobCompletion;
    private final Counter rpcErrors;

    ChainMetrics(PrometheusRegistry r) {
        events = Counter.builder().name("fabstir_contract_events_total")
                .help("Contract events seen on chain (confirmed blocks only)").labelNames("contract", "event").register(r);
        jobValue = Histogram.builder().name("fabstir_job_value_eth")
                .help("Payment of each job posted on chain, ETH").labelNames("model").classicOnly()
                .classicUpperBounds(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10).register(r);
        paymentsReleased = Counter.builder().name("fabstir_payments_released_eth_total")
                .help("Payments released from escrow to hosts").labelNames("token").register(r);
        jobCompletion = Histogram.builder().name("fabstir_job_completion_seconds")
                .help("Time from a job's posting to its completion on chain (block timestamps)").labelNames("model")
                .classicOnly().classicUpperBounds(1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600).register(r);
        rpcErrors = Counter.builder().name("fabstir_chain_rpc_errors_total")
                .help("Failed polls of the chain RPC (unreachable, error answer, undecodable)").register(r);
    }

    /** Creates the series at 0, so the first event is an increase for {@code increase()} and the alert rule. */
    void declare(io.fabstir.chain.contracts.FabstirContract contract, String event) {
        events.labelValues(contract.contractName(), event);
    }

    void event(DecodedEvent e) {
        events.labelValues(e.contract().contractName(), e.event()).inc();
    }

    void jobPosted(String model, BigDecimal eth) {
        jobValue.labelValues(model).observe(eth.doubleValue());
    }

    void paymentReleased(BigDecimal eth) {
        paymentsReleased.labelValues(TOKEN_ETH).inc(eth.doubleValue());
    }

    void jobCompleted(String model, long seconds) {
        jobCompletion.labelValues(model).observe(seconds);
    }

    void rpcError() {
        rpcErrors.inc();
    }
}
