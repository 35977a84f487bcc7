package io.fabstir.chain.gas;

import io.fabstir.chain.contracts.EventCatalog;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import org.web3j.utils.Numeric;

/**
 * Gas of transactions: {@code fabstir_gas_used{method,contract}} and {@code fabstir_transaction_cost_eth{method,contract}}.
 * The node wraps its own transactions with {@link #track}; the chain monitor tracks those of the events it sees.
 */
public final class GasTracker {
    private final Histogram gasUsed;
    private final Histogram cost;

    private GasTracker(Histogram gasUsed, Histogram cost) {
        this.gasUsed = gasUsed;
        this.cost = cost;
    }

    /** Registers both histograms in {@code registry}. */
    public static GasTracker register(PrometheusRegistry registry) {
        Histogram used = Histogram.builder().name("fabstir_gas_used")
                .help("Gas used by a transaction").labelNames("method", "contract").classicOnly()
                .classicUpperBounds(21000, 50000, 100000, 200000, 500000, 1000000).register(registry);
        Histogram cost = Histogram.builder().name("fabstir_transaction_cost_eth")
                .help("Fee paid for a transaction (gas used x effective gas price), ETH").labelNames("method", "contract")
                .classicOnly().classicUpperBounds(0.00001, 0.0001, 0.001, 0.01, 0.1, 1).register(registry);
        return new GasTracker(used, cost);
    }

    /**
     * Records the receipt's gas and fee under the method and contract it called; returns the fee in ETH. A receipt
     * without an effective gas price (pre-London nodes) records the gas only.
     */
    public BigDecimal track(TransactionReceipt receipt, String method, String contract) {
        Objects.requireNonNull(receipt, "receipt");
        BigInteger used = receipt.getGasUsed();
        gasUsed.labelValues(method, contract).observe(used.doubleValue());
        String price = receipt.getEffectiveGasPrice();
        if (price == null || price.isBlank()) return BigDecimal.ZERO;
        BigDecimal fee = EventCatalog.eth(used.multiply(Numeric.decodeQuantity(price)));
        cost.labelValues(method, contract).observe(fee.doubleValue());
        return fee;
    }
}
