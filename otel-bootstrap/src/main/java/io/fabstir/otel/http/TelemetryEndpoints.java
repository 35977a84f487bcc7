package io.fabstir.otel.http;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.fabstir.otel.diagnostics.AgentAwareLog;
import io.fabstir.otel.health.HealthStatus;
import io.fabstir.otel.metrics.PrometheusReader;
import io.fabstir.otel.metrics.PrometheusText;
import io.fabstir.otel.redaction.Redaction;
import io.fabstir.otel.redaction.TreeRedaction;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.net.ssl.SSLParameters;

/**
 * {@code /metrics} (Prometheus text), {@code /health} (overall status, timestamp, and every
 * {@code fabstir_health_status} check with its status and details; 503 when any is unhealthy, and when any is
 * degraded unless {@code fabstir.health.degraded-ok=true}) and {@code /ready} (503 until start-up work such as the GPU
 * probe is done, and while any check is unhealthy) on the JDK's HTTP server (HTTPS when {@link HttpSettings} has a
 * certificate): nothing heavy goes into the agent. Who may read what is {@link AccessPolicy}'s; what is read is
 * redacted with the same rules as the log lines; requests are limited as {@link RequestExecutor} says, in methods
 * (GET, HEAD), in header size ({@value #MAX_HEADER_BYTES} bytes) and in body (none).
 */
public final class TelemetryEndpoints implements AutoCloseable {

  private static final String HEALTH_METRIC = "fabstir_health_status";
  /** Same value as {@code HealthRegistry.RESULTS_PROPERTY}, which lives on the application's side. */
  private static final String HEALTH_RESULTS_PROPERTY = "io.fabstir.health.results";
  /** Request line and headers together; a browser sends about 1 KB, Prometheus less. */
  static final int MAX_HEADER_BYTES = 16 * 1024;
  private static final AgentAwareLog LOG = AgentAwareLog.get(TelemetryEndpoints.class);

  private final HttpServer server;
  private final RequestExecutor executor;
  private final Deadlines deadlines;
  private final PrometheusReader reader;
  private final BooleanSupplier started;
  private final AccessPolicy access;
  private final Redaction redaction;
  private volatile Supplier<Map<String, Map<String, Object>>> builtInDetails = Map::of;
  private volatile boolean degradedOk;

  private TelemetryEndpoints(HttpServer server, RequestExecutor executor, Deadlines deadlines,
      PrometheusReader reader, BooleanSupplier started, AccessPolicy access, Redaction redaction) {
    this.server = server;
    this.executor = executor;
    this.deadlines = deadlines;
    this.reader = reader;
    this.started = started;
    this.access = access;
    this.redaction = redaction;
  }

  /**
   * Binds as {@code settings} say (port 0 picks a free one) and starts serving. {@code /ready} answers 503 until
   * {@code started} is true (the extension: until the GPU probe has opened).
   */
  public static TelemetryEndpoints start(HttpSettings settings, PrometheusReader reader, BooleanSupplier started,
      Redaction redaction) throws IOException {
    InetSocketAddress address = new InetSocketAddress(settings.host(), settings.port());
    HttpServer server;
    if (settings.https()) {
      HttpsServer https = HttpsServer.create(address, 16);
      https.setHttpsConfigurator(new HttpsConfigurator(settings.tls()) {
        @Override
        public void configure(HttpsParameters params) {
          SSLParameters p = getSSLContext().getDefaultSSLParameters();
          p.setProtocols(new String[] {"TLSv1.3", "TLSv1.2"});
          params.setSSLParameters(p);
        }
      });
      server = https;
    } else {
      server = HttpServer.create(address, 16);
    }
    Deadlines deadlines = new Deadlines("fabstir-telemetry-http-deadlines");
    RequestExecutor executor = new RequestExecutor(deadlines, settings.requestTimeout());
    server.setExecutor(executor);
    TelemetryEndpoints endpoints =
        new TelemetryEndpoints(server, executor, deadlines, reader, started, settings.access(), redaction);
    endpoints.mount("/metrics", endpoints::metrics);
    endpoints.mount("/health", endpoints::health);
    endpoints.mount("/ready", endpoints::ready);
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
      deadlines.close();
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

  /**
   * Serves {@code handler} under {@code path} too (the dashboard), untraced and limited like the built-in
   * endpoints: GET and HEAD only, no body, headers within {@value #MAX_HEADER_BYTES} bytes.
   */
  public void mount(String path, HttpHandler handler) {
    untraced(server.createContext(path, exchange -> {
      try {
        if (admitted(exchange)) {
          handler.handle(exchange);
        }
      } catch (IOException e) {
        exchange.close(); // the client went away, or its deadline passed
      } catch (RuntimeException e) {
        LOG.warn("request " + exchange.getRequestURI().getPath() + " failed", e);
        exchange.close();
      }
    }));
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public AccessPolicy access() {
    return access;
  }

  /** The watchdog of the port's blocking writes, for the dashboard's event stream. */
  public Deadlines deadlines() {
    return deadlines;
  }

  private static boolean admitted(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().set("Allow", "GET, HEAD");
      Responses.send(exchange, 405, Responses.TEXT, "method not allowed\n");
      return false;
    }
    Headers headers = exchange.getRequestHeaders();
    String length = headers.getFirst("Content-Length");
    if (headers.containsKey("Transfer-Encoding") || (length != null && !length.strip().equals("0"))) {
      Responses.send(exchange, 413, Responses.TEXT, "request bodies are not accepted\n");
      return false;
    }
    long size = exchange.getRequestURI().toString().length();
    for (Map.Entry<String, List<String>> h : headers.entrySet()) {
      for (String v : h.getValue()) {
        size += h.getKey().length() + v.length() + 4;
      }
    }
    if (size > MAX_HEADER_BYTES) {
      Responses.send(exchange, 431, Responses.TEXT, "request headers larger than " + MAX_HEADER_BYTES + " bytes\n");
      return false;
    }
    return true;
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
    if (!access.mayScrape(exchange)) {
      access.refuse(exchange);
      return;
    }
    String body;
    try {
      body = reader.scrape();
    } catch (RuntimeException e) {
      LOG.warn("metrics collection failed", e);
      Responses.send(exchange, 500, Responses.TEXT, "metrics collection failed: " + redaction.text(String.valueOf(e)) + "\n");
      return;
    }
    Responses.send(exchange, 200, PrometheusText.CONTENT_TYPE, body);
  }

  /**
   * The full body for a reader allowed the details (redacted like the log lines), else the overall status and
   * each check's status only: enough for a probe, nothing of what the checks found.
   */
  private void health(HttpExchange exchange) throws IOException {
    Map<String, Object> body = healthBody();
    HealthStatus overall = HealthStatus.valueOf(String.valueOf(body.get("status")).toUpperCase(java.util.Locale.ROOT));
    boolean ok = overall == HealthStatus.HEALTHY || (overall == HealthStatus.DEGRADED && degradedOk);
    Object shown = access.mayReadDetails(exchange)
        ? TreeRedaction.redact(redaction.get(), body)
        : statusesOnly(body);
    Responses.send(exchange, ok ? 200 : 503, "application/json", JsonText.write(shown) + "\n");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> statusesOnly(Map<String, Object> body) {
    Map<String, Object> checks = new TreeMap<>();
    ((Map<String, Map<String, Object>>) body.get("checks")).forEach(
        (name, check) -> checks.put(name, Map.of("status", check.get("status"))));
    Map<String, Object> out = new LinkedHashMap<>(body);
    out.put("checks", checks);
    return out;
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
    boolean ready = started.getAsBoolean() && overall(checks()) != HealthStatus.UNHEALTHY;
    Responses.send(
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

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    deadlines.close();
  }
}
