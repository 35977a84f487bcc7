package io.fabstir.otel.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.fabstir.otel.health.HealthStatus;
import io.fabstir.otel.metrics.PrometheusReader;
import io.fabstir.otel.metrics.PrometheusText;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * {@code /metrics} (Prometheus text), {@code /health} (every {@code fabstir_health_status} check; 503 when any is
 * unhealthy) and {@code /ready} (503 until start-up work such as the GPU probe is done, and while any check is
 * unhealthy) on the JDK's HTTP server: nothing heavy goes into the agent.
 */
public final class TelemetryEndpoints implements AutoCloseable {

  private static final String HEALTH_METRIC = "fabstir_health_status";

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusReader reader;
  private final BooleanSupplier started;

  private TelemetryEndpoints(
      HttpServer server, ExecutorService executor, PrometheusReader reader, BooleanSupplier started) {
    this.server = server;
    this.executor = executor;
    this.reader = reader;
    this.started = started;
  }

  /** Binds {@code host:port} (port 0 picks a free one) and starts serving; {@code /ready} is always 200-capable. */
  public static TelemetryEndpoints start(String host, int port, PrometheusReader reader) throws IOException {
    return start(host, port, reader, () -> true);
  }

  /**
   * Binds {@code host:port} (port 0 picks a free one) and starts serving. {@code /ready} answers 503 until
   * {@code started} is true (the extension: until the GPU probe has opened).
   */
  public static TelemetryEndpoints start(String host, int port, PrometheusReader reader, BooleanSupplier started)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    ExecutorService executor =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "fabstir-telemetry-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    TelemetryEndpoints endpoints = new TelemetryEndpoints(server, executor, reader, started);
    untraced(server.createContext("/metrics", endpoints::metrics));
    untraced(server.createContext("/health", endpoints::health));
    untraced(server.createContext("/ready", endpoints::ready));
    // The dispatcher thread takes its daemon flag from the thread that starts it: a daemon starter keeps the
    // server from holding the application's JVM open after main() returns.
    AtomicReference<RuntimeException> failure = new AtomicReference<>();
    Thread starter =
        new Thread(
            () -> {
              try {
                server.start();
              } catch (RuntimeException e) {
                failure.set(e);
              }
            },
            "fabstir-telemetry-http-start");
    starter.setDaemon(true);
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure.get() != null) {
      executor.shutdownNow();
      throw failure.get();
    }
    return endpoints;
  }

  /**
   * The official agent's JDK HTTP server instrumentation adds its tracing filter to every context created once it
   * is installed. Scrapes and probes every few seconds are not the application's traffic: as server spans they
   * would drown its traces, so the agent's filter is taken off our own contexts.
   */
  private static void untraced(HttpContext context) {
    context.getFilters().removeIf(f -> f.getClass().getName().startsWith("io.opentelemetry."));
  }

  /** Serves {@code handler} under {@code path} too (the dashboard), untraced like the built-in endpoints. */
  public void mount(String path, HttpHandler handler) {
    untraced(server.createContext(path, handler));
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Health of every check, from one collection. */
  public Map<String, HealthStatus> checks() {
    return checks(reader.collect());
  }

  /** Health of every check in {@code metrics}, as {@code /health} reads it. */
  public static Map<String, HealthStatus> checks(Collection<MetricData> metrics) {
    Map<String, HealthStatus> checks = new TreeMap<>();
    for (MetricData m : metrics) {
      if (!m.getName().equals(HEALTH_METRIC) || m.getType() != MetricDataType.DOUBLE_GAUGE) {
        continue;
      }
      for (DoublePointData p : m.getDoubleGaugeData().getPoints()) {
        String check = p.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey("check"));
        HealthStatus status = HealthStatus.fromGaugeValue(p.getValue());
        checks.merge(check == null ? "unnamed" : check, status, HealthStatus::worst);
      }
    }
    return checks;
  }

  private void metrics(HttpExchange exchange) throws IOException {
    if (!allowed(exchange)) {
      return;
    }
    String body;
    try {
      body = reader.scrape();
    } catch (RuntimeException e) {
      send(exchange, 500, "text/plain; charset=utf-8", "metrics collection failed: " + e + "\n");
      return;
    }
    send(exchange, 200, PrometheusText.CONTENT_TYPE, body);
  }

  private void health(HttpExchange exchange) throws IOException {
    if (!allowed(exchange)) {
      return;
    }
    Map<String, HealthStatus> checks = checks();
    HealthStatus overall = overall(checks);
    StringBuilder json = new StringBuilder("{\"status\":\"").append(overall.label()).append("\",\"checks\":{");
    boolean first = true;
    for (Map.Entry<String, HealthStatus> e : checks.entrySet()) {
      if (!first) {
        json.append(',');
      }
      first = false;
      json.append('"').append(jsonEscape(e.getKey())).append("\":\"").append(e.getValue().label()).append('"');
    }
    json.append("}}\n");
    send(exchange, overall == HealthStatus.UNHEALTHY ? 503 : 200, "application/json", json.toString());
  }

  private void ready(HttpExchange exchange) throws IOException {
    if (!allowed(exchange)) {
      return;
    }
    boolean ready = started.getAsBoolean() && overall(checks()) != HealthStatus.UNHEALTHY;
    send(
        exchange,
        ready ? 200 : 503,
        "application/json",
        ready ? "{\"status\":\"ready\"}\n" : "{\"status\":\"not ready\"}\n");
  }

  private static HealthStatus overall(Map<String, HealthStatus> checks) {
    HealthStatus overall = HealthStatus.HEALTHY;
    for (HealthStatus s : checks.values()) {
      overall = overall.worst(s);
    }
    return overall;
  }

  private static boolean allowed(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (method.equals("GET") || method.equals("HEAD")) {
      return true;
    }
    send(exchange, 405, "text/plain; charset=utf-8", "method not allowed\n");
    return false;
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      if (!head) {
        out.write(bytes);
      }
    }
  }

  private static String jsonEscape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
