package io.fabstir.shipper.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;

/**
 * The shipper's Prometheus endpoint ({@code http://host:port/metrics}) over one registry shared by every subcommand
 * in the JVM ({@link #registry()}), so {@code tail} and {@code index} can each register their metrics once; {@code /}
 * is a small page of the pipeline's own state read from that {@code /metrics}.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private final HTTPServer server;

    private MetricsEndpoint(HTTPServer server) {
        this.server = server;
    }

    /** The registry all shipper metrics go to. */
    public static PrometheusRegistry registry() {
        return PrometheusRegistry.defaultRegistry;
    }

    /** Serves {@link #registry()} on the port (0 picks a free one). */
    public static MetricsEndpoint start(int port) throws IOException {
        return new MetricsEndpoint(HTTPServer.builder().port(port).registry(registry())
                .defaultHandler(new PipelinePage()).buildAndStart());
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
