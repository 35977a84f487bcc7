package io.fabstir.chain.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabstir.otel.health.HealthRegistry;
import io.fabstir.otel.health.HealthResult;
import io.fabstir.otel.health.HealthStatus;
import io.fabstir.shipper.logging.OwnLogRedaction;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The monitor's own HTTP port: {@code /metrics} (Prometheus text) and {@code /health} (every check of the
 * {@link HealthRegistry}; 503 when one is unhealthy, as the node's endpoint does). The checks are also published as
 * {@code fabstir_health_status{check}} (1 healthy, 0.5 degraded, 0 unhealthy). Each detail goes through the
 * redaction rules of the process's own log ({@link OwnLogRedaction}): a check's error text may quote what a client
 * library said about a URL.
 */
public final class MonitorEndpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final HealthRegistry health;

    private MonitorEndpoint(HttpServer server, ExecutorService executor, HealthRegistry health) {
        this.server = server;
        this.executor = executor;
        this.health = health;
    }

    /** Serves on {@code host:port} (port 0 picks a free one). */
    public static MonitorEndpoint start(String host, int port, PrometheusRegistry registry, HealthRegistry health)
            throws IOException {
        GaugeWithCallback.builder().name(HealthRegistry.METRIC)
                .help("Health of each check: 1 healthy, 0.5 degraded, 0 unhealthy").labelNames("check")
                .callback(cb -> health.evaluate().forEach((name, r) -> cb.call(r.status().gaugeValue(), name)))
                .register(registry);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
        ExecutorService ex = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "chain-monitor-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(ex);
        MonitorEndpoint e = new MonitorEndpoint(server, ex, health);
        server.createContext("/metrics", new MetricsHandler(registry));
        server.createContext("/health", e::health);
        server.start();
        return e;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void health(HttpExchange x) throws IOException {
        try (x) {
            Map<String, HealthResult> results = health.evaluate();
            HealthStatus overall = HealthStatus.HEALTHY;
            ObjectNode root = JSON.createObjectNode();
            ObjectNode checks = JSON.createObjectNode();
            for (Map.Entry<String, HealthResult> r : results.entrySet()) {
                overall = overall.worst(r.getValue().status());
                checks.putObject(r.getKey()).put("status", r.getValue().status().label())
                        .put("detail", OwnLogRedaction.text(r.getValue().detail()));
            }
            root.put("status", overall.label());
            root.set("checks", checks);
            byte[] body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(overall == HealthStatus.UNHEALTHY ? 503 : 200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
