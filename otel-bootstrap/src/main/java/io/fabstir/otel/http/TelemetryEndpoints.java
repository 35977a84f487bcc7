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
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@code /metrics} (Prometheus text), {@code /health} (overall status, timestamp, and every
 * {@code fabstir_health_status} check with its status and details; 503 when any is unhealthy, and when any is
 * degraded unless {@code fabstir.health.degraded-ok=true}) and {@code /ready} (503 until start-up work such as the GPU probe is done, and while any check is
 * unhealthy) on the JDK's HTTP server: nothing heavy goes into the agent.
 */
public final class TelemetryEndpoints implements AutoCloseable {

  private static final String HEALTH_METRIC = "fabstir_health_status";
  /** Same value as {@code HealthRegistry.RESULTS_PROPERTY}, which lives on the application's side. */
  private static final String HEALTH_RESULTS_PROPERTY = "io.fabstir.health.results";

  private final HttpServer server;
  private final ExecutorService executor;
  private final PrometheusReader reader;
  private final BooleanSupplier started;
  private volatile Supplier<Map<String, Map<String, Object>>> builtInDetails = Map::of;
  private volatile boolean degradedOk;

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

  /**
   * Results of the checks the extension runs itself (disk, GPU) in {@code HealthResult.asMap()} form, shown with
   * their details in {@code /health}; the application's checks come from {@code HealthRegistry.RESULTS_PROPERTY}.
   */
  public TelemetryEndpoints builtInHealth(Supplier<Map<String, Map<String, Object>>> results) {
    this.builtInDetails = results;
    return this;
  }

  /** {@code fabstir.health.degraded-ok}: a degraded node answers /health with 200 instead of 503. */
  public TelemetryEndpoints degradedOk(boolean ok) {
    this.degradedOk = ok;
    return this;
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
    Map<String, Object> body = healthBody();
    HealthStatus overall = HealthStatus.valueOf(String.valueOf(body.get("status")).toUpperCase(java.util.Locale.ROOT));
    boolean ok = overall == HealthStatus.HEALTHY || (overall == HealthStatus.DEGRADED && degradedOk);
    send(exchange, ok ? 200 : 503, "application/json", JsonText.write(body) + "\n");
  }

  /**
   * {@code {"status":…, "timestamp":…, "checks":{name:{"status":…, "detail":…, "details":{…}}}}}: every check the
   * metrics carry, with the details of the extension's own checks and of the application's published registry.
   */
  Map<String, Object> healthBody() {
    Map<String, HealthStatus> statuses = checks();
    Map<String, Map<String, Object>> details = new TreeMap<>();
    details.putAll(applicationResults());
    details.putAll(builtInDetails.get());
    Map<String, Object> checks = new TreeMap<>();
    HealthStatus overall = HealthStatus.HEALTHY;
    for (Map.Entry<String, HealthStatus> e : statuses.entrySet()) {
      Map<String, Object> check = new LinkedHashMap<>();
      check.put("status", e.getValue().label());
      Map<String, Object> more = details.get(e.getKey());
      if (more != null) {
        more.forEach((k, v) -> {
          if (!k.equals("status")) {
            check.put(k, v);
          }
        });
      }
      checks.put(e.getKey(), check);
      overall = overall.worst(e.getValue());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", overall.label());
    body.put("timestamp", Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS).toString());
    body.put("checks", checks);
    return body;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> applicationResults() {
    Object published = System.getProperties().get(HEALTH_RESULTS_PROPERTY);
    if (published instanceof Supplier<?> supplier) {
      try {
        Object results = supplier.get();
        if (results instanceof Map<?, ?> map) {
          return (Map<String, Map<String, Object>>) map;
        }
      } catch (RuntimeException e) {
        return Map.of(); // the statuses from the metrics still stand
      }
    }
    return Map.of();
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

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
