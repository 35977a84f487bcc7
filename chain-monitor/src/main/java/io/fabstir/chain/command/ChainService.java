package io.fabstir.chain.command;

import io.fabstir.chain.gas.GasPricePoller;
import io.fabstir.chain.gas.GasTracker;
import io.fabstir.chain.health.ChainHealth;
import io.fabstir.chain.http.MonitorEndpoint;
import io.fabstir.chain.monitor.ChainMonitor;
import io.fabstir.chain.monitor.Rpc;
import io.fabstir.otel.health.HealthRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Clock;

/**
 * Everything {@code fabstir-shipper chain} runs, built from its {@link ChainConfig}: the monitor, the gas price
 * poller, the health checks and the {@code /metrics} + {@code /health} port. The demo runs the same in its JVM.
 */
public final class ChainService implements AutoCloseable {
    private final Rpc rpc;
    private final ChainMonitor monitor;
    private final GasPricePoller gasPrice;
    private final MonitorEndpoint endpoint;
    private final HealthRegistry health;

    private ChainService(Rpc rpc, ChainMonitor monitor, GasPricePoller gasPrice, MonitorEndpoint endpoint,
                         HealthRegistry health) {
        this.rpc = rpc;
        this.monitor = monitor;
        this.gasPrice = gasPrice;
        this.endpoint = endpoint;
        this.health = health;
    }

    /** Builds and starts everything but the monitor's loop ({@link #startMonitor()} or {@link #runMonitor()}). */
    public static ChainService create(ChainConfig cfg, PrometheusRegistry registry) throws IOException {
        Rpc rpc = Rpc.connect(cfg.rpcUrl());
        // The API only: the checks are read by /health and published through the Prometheus registry below.
        HealthRegistry health = new HealthRegistry(OpenTelemetry.noop());
        ChainHealth chainHealth = new ChainHealth(cfg.stallAfter(), Clock.systemUTC()).registerIn(health);
        ChainMonitor monitor = ChainMonitor.builder().rpc(rpc).contracts(cfg.contracts())
                .cursorFile(cfg.cursorFile()).eventLog(cfg.eventLog()).confirmations(cfg.confirmations())
                .pollInterval(cfg.pollInterval()).maxBlockRange(cfg.maxBlockRange()).startBlock(cfg.startBlock())
                .trackGas(cfg.trackGas()).readInterval(cfg.readInterval()).serviceName(cfg.serviceName())
                .registry(registry).gasTracker(GasTracker.register(registry)).health(chainHealth)
                .nodeAddress(cfg.nodeAddress()).build();
        GasPricePoller poller = GasPricePoller.start(rpc.web3j(), registry, cfg.gasPriceInterval());
        MonitorEndpoint endpoint = null;
        try {
            if (cfg.metricsPort() > 0) {
                endpoint = MonitorEndpoint.start(cfg.metricsHost(), cfg.metricsPort(), registry, health);
            }
        } catch (IOException e) {
            poller.close();
            rpc.close();
            throw new IOException("cannot serve /metrics on " + cfg.metricsHost() + ":" + cfg.metricsPort()
                    + " (metrics_port): " + e.getMessage(), e);
        }
        return new ChainService(rpc, monitor, poller, endpoint, health);
    }

    public ChainMonitor monitor() {
        return monitor;
    }

    public HealthRegistry health() {
        return health;
    }

    /** The /metrics and /health port, or -1 when off. */
    public int port() {
        return endpoint == null ? -1 : endpoint.port();
    }

    public ChainService startMonitor() {
        monitor.start();
        return this;
    }

    /** Polls on this thread until {@link #close()}. */
    public void runMonitor() {
        monitor.runUntilClosed();
    }

    @Override
    public void close() {
        monitor.close();
        gasPrice.close();
        if (endpoint != null) endpoint.close();
        rpc.close();
    }
}
