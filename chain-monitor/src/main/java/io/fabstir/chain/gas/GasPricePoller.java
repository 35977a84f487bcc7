package io.fabstir.chain.gas;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;

/**
 * {@code fabstir_gas_price_gwei}: {@code eth_gasPrice} every interval (30 s by default). The same name and unit as the
 * node's own gauge, so the {@code FabstirHighGasPrice} rule covers both. A failed poll keeps the last value and logs.
 */
public final class GasPricePoller implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GasPricePoller.class);
    private static final BigDecimal WEI_PER_GWEI = BigDecimal.TEN.pow(9);

    private final Web3j web3j;
    private final Gauge gauge;
    private final ScheduledExecutorService timer;
    private volatile boolean failing;

    private GasPricePoller(Web3j web3j, Gauge gauge) {
        this.web3j = web3j;
        this.gauge = gauge;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "gas-price-poller");
            t.setDaemon(true);
            return t;
        });
    }

    public static GasPricePoller start(Web3j web3j, PrometheusRegistry registry, Duration interval) {
        Gauge g = Gauge.builder().name("fabstir_gas_price_gwei").help("Gas price the chain RPC reports, gwei")
                .register(registry);
        GasPricePoller p = new GasPricePoller(web3j, g);
        p.timer.scheduleWithFixedDelay(p::pollQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        return p;
    }

    /** Polls now; returns the price in gwei. */
    public double poll() throws java.io.IOException {
        double gwei = new BigDecimal(web3j.ethGasPrice().send().getGasPrice()).divide(WEI_PER_GWEI).doubleValue();
        gauge.set(gwei);
        return gwei;
    }

    private void pollQuietly() {
        try {
            poll();
            if (failing) log.info("gas price poll works again");
            failing = false;
        } catch (Exception | LinkageError e) {
            if (!failing) log.warn("gas price poll failed ({}); keeping the last value, retrying", e.toString());
            failing = true;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
