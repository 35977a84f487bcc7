package io.fabstir.otel.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.fabstir.otel.diagnostics.AgentAwareLog;
import io.fabstir.otel.gpu.GpuReading;
import io.fabstir.otel.gpu.GpuSampler;
import io.fabstir.otel.health.HealthStatus;
import io.fabstir.otel.http.AccessPolicy;
import io.fabstir.otel.http.Deadlines;
import io.fabstir.otel.http.Responses;
import io.fabstir.otel.metrics.PrometheusReader;
import io.fabstir.otel.redaction.Redaction;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The live node page: {@code /dashboard/} (HTML, script, styles and the uPlot chart library, all from the jar),
 * {@code /dashboard/snapshot} (the latest snapshot as JSON) and {@code /dashboard/events} (Server-Sent Events, one
 * snapshot per interval). Created only when {@code fabstir.dashboard.enabled=true}, after the HTTP endpoints are up,
 * so it costs the agent's start-up nothing. One daemon thread takes a snapshot every interval (one metric
 * collection, like a scrape) and keeps the charts' history; {@link EventStream} pushes it to the open pages. The
 * page and its assets are static and open (the page asks for the credential itself); the snapshot and the stream
 * need what {@link AccessPolicy} says, and every string in them is redacted like the log lines.
 */
public final class Dashboard implements HttpHandler, AutoCloseable {

  private static final AgentAwareLog LOG = AgentAwareLog.get(Dashboard.class);
  private static final String PREFIX = "/dashboard";
  /** The chart library's files inside its webjar (org.webjars.npm:uplot, version pinned in the parent pom). */
  private static final String UPLOT = "META-INF/resources/webjars/uplot/1.6.30/dist/";
  private static final Map<String, String> ASSETS =
      Map.of(
          "dashboard.js", "io/fabstir/otel/dashboard/dashboard.js",
          "dashboard.css", "io/fabstir/otel/dashboard/dashboard.css",
          "uPlot.iife.min.js", UPLOT + "uPlot.iife.min.js",
          "uPlot.min.css", UPLOT + "uPlot.min.css");
  private static final String INDEX = "io/fabstir/otel/dashboard/index.html";
  private static final Duration MIN_WRITE_TIMEOUT = Duration.ofSeconds(2);
  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final AttributeKey<String> SERVICE_VERSION = AttributeKey.stringKey("service.version");
  private static final AttributeKey<String> NODE_ID = AttributeKey.stringKey("fabstir.node_id");
  private static final AttributeKey<String> HOST = AttributeKey.stringKey("host.name");
  private static final AttributeKey<String> DISTRO_VERSION = AttributeKey.stringKey("telemetry.distro.version");

  private final DashboardSettings settings;
  private final PrometheusReader reader;
  private final GpuSampler gpu;
  private final List<Path> disks;
  private final Function<Collection<MetricData>, Map<String, HealthStatus>> health;
  private final NotableEvents events;
  private final History history;
  private final AccessPolicy access;
  private final Redaction redaction;
  private final EventStream stream;
  /** Null when no Alertmanager is configured. */
  private final AlertmanagerAlerts alerts;
  private final Map<String, byte[]> assetCache = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sampler = daemon("fabstir-dashboard-sampler");
  private long seq;
  private long lastCpuNanos = -1;
  private long lastWallNanos;
  private volatile String latest;
  private volatile long latestSeq;

  private Dashboard(
      DashboardSettings settings,
      PrometheusReader reader,
      GpuSampler gpu,
      List<Path> disks,
      Function<Collection<MetricData>, Map<String, HealthStatus>> health,
      NotableEvents events,
      AccessPolicy access,
      Redaction redaction,
      Deadlines deadlines) {
    this.settings = settings;
    this.reader = reader;
    this.gpu = gpu;
    this.disks = List.copyOf(disks);
    this.health = health;
    this.events = events;
    this.history = new History(settings.points());
    this.access = access;
    this.redaction = redaction;
    // a page may fall two snapshots behind before its connection is given up
    Duration writeTimeout = settings.interval().multipliedBy(2);
    this.stream = new EventStream(deadlines, writeTimeout.compareTo(MIN_WRITE_TIMEOUT) < 0 ? MIN_WRITE_TIMEOUT : writeTimeout);
    this.alerts = settings.alertmanagerUrl() == null
        ? null : new AlertmanagerAlerts(settings.alertmanagerUrl(), settings.alertmanagerFilter());
  }

  /**
   * Takes the first snapshot now and one every {@code settings.interval()} after. {@code health} maps a collection
   * to each check's state, as {@code /health} reads it; {@code access} says who may read the snapshot and stream,
   * {@code redaction} what they may not read, {@code deadlines} limits each push.
   */
  public static Dashboard start(
      DashboardSettings settings,
      PrometheusReader reader,
      GpuSampler gpu,
      List<Path> disks,
      Function<Collection<MetricData>, Map<String, HealthStatus>> health,
      NotableEvents events,
      AccessPolicy access,
      Redaction redaction,
      Deadlines deadlines) {
    Dashboard d = new Dashboard(settings, reader, gpu, disks, health, events, access, redaction, deadlines);
    if (d.alerts != null) {
      d.alerts.poll();
    }
    d.sampleSafely();
    long ms = settings.interval().toMillis();
    d.sampler.scheduleAtFixedRate(d::sampleSafely, ms, ms, TimeUnit.MILLISECONDS);
    return d;
  }

  private void sampleSafely() {
    try {
      if (alerts != null) {
        alerts.poll(); // answers by the next snapshot
      }
      String json;
      long id;
      synchronized (this) {
        json = sample();
        id = seq;
      }
      latest = json;
      latestSeq = id;
      stream.publish(id, json); // hands the frame to each page's mailbox: never waits on a page
    } catch (RuntimeException | LinkageError e) {
      LOG.warn("dashboard snapshot failed", e); // the next interval tries again
    }
  }

  /** One snapshot: collects the metrics, reads the JVM, GPUs and disks, adds a history point, renders JSON. */
  private String sample() {
    long now = System.currentTimeMillis();
    Collection<MetricData> metrics = reader.collect();
    NodeReadings node = NodeReadings.from(metrics);
    Map<String, HealthStatus> checks = health.apply(metrics);
    HealthStatus overall = HealthStatus.HEALTHY;
    for (HealthStatus s : checks.values()) {
      overall = overall.worst(s);
    }
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long heapMax = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
    double heapPercent = heapMax > 0 ? 100.0 * heap.getUsed() / heapMax : Double.NaN;
    double cpuPercent = processCpuPercent();
    List<GpuReading> gpus = gpu.latest();
    double gpuUtil = Double.NaN;
    double gpuMem = Double.NaN;
    if (!gpus.isEmpty()) {
      double util = 0;
      long used = 0;
      long total = 0;
      for (GpuReading r : gpus) {
        util += r.utilizationPercent();
        used += r.memoryUsedBytes();
        total += r.memoryTotalBytes();
      }
      gpuUtil = util / gpus.size();
      gpuMem = total > 0 ? 100.0 * used / total : Double.NaN;
    }
    history.add(now, node.completedJobs(), node.failedJobs(), heapPercent, cpuPercent, gpuUtil, gpuMem);
    seq++;

    Json json = new Json(8192 + history.size() * 96, redaction.get());
    json.beginObject();
    json.field("seq", seq).field("time", Instant.ofEpochMilli(now).toString()).field("timeMillis", now);
    json.field("intervalMillis", settings.interval().toMillis());
    Resource resource = node.resource();
    json.name("node").beginObject();
    json.field("id", resource.getAttribute(NODE_ID)).field("host", resource.getAttribute(HOST));
    json.field("service", resource.getAttribute(SERVICE_NAME));
    json.field("version", resource.getAttribute(SERVICE_VERSION));
    json.field("agentVersion", resource.getAttribute(DISTRO_VERSION));
    json.endObject();
    json.field("status", overall.label());
    json.name("checks").beginObject();
    checks.forEach((name, s) -> json.field(name, s.label()));
    json.endObject();
    json.field("uptimeSeconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1000);
    json.name("jobs").beginObject();
    json.field("active", node.activeJobs()).field("completed", node.completedJobs());
    json.field("failed", node.failedJobs()).field("successRate", node.successRate());
    json.endObject();
    json.name("earningsEth").beginObject();
    node.earningsEth().forEach(json::field);
    json.endObject();
    nullable(json, "stakingBalanceEth", node.stakingBalanceEth());
    nullable(json, "reputation", node.reputation());
    writeGpu(json, gpus);
    json.name("jvm").beginObject();
    json.field("heapUsedBytes", heap.getUsed()).field("heapMaxBytes", heapMax);
    json.field("heapPercent", heapPercent).field("cpuPercent", cpuPercent);
    json.endObject();
    writeDisks(json);
    json.name("history");
    history.write(json);
    writeEvents(json);
    writeAlerts(json);
    json.field("jaegerUrl", settings.jaegerUrl());
    json.endObject();
    return json.toString();
  }

  private void writeGpu(Json json, List<GpuReading> readings) {
    json.name("gpu").beginObject();
    json.field("present", gpu.gpuPresent());
    json.field("state", !gpu.ready() ? "probing" : gpu.gpuPresent() ? "ok" : "no GPU");
    json.field("problem", gpu.problem());
    json.name("devices").beginArray();
    for (GpuReading r : readings) {
      json.beginObject();
      json.field("index", r.index()).field("name", r.name());
      json.field("utilizationPercent", r.utilizationPercent());
      json.field("memoryUsedBytes", r.memoryUsedBytes()).field("memoryTotalBytes", r.memoryTotalBytes());
      json.field("temperatureCelsius", r.temperatureCelsius()).field("powerWatts", r.powerWatts());
      json.endObject();
    }
    json.endArray();
    json.endObject();
  }

  private void writeDisks(Json json) {
    json.name("disks").beginArray();
    for (Path path : disks) {
      json.beginObject().field("path", path.toAbsolutePath().normalize().toString());
      try {
        FileStore store = Files.getFileStore(path);
        long total = store.getTotalSpace();
        long free = store.getUsableSpace();
        json.field("freeBytes", free).field("totalBytes", total);
        json.field("freeRatio", total > 0 ? (double) free / total : Double.NaN);
      } catch (IOException | RuntimeException e) {
        json.field("error", String.valueOf(e.getMessage()));
      }
      json.endObject();
    }
    json.endArray();
  }

  private void writeEvents(Json json) {
    json.name("events").beginArray();
    for (NotableEvents.Event e : events.latest(redaction::text)) {
      json.beginObject();
      json.field("time", Instant.ofEpochMilli(e.epochMillis()).toString());
      json.field("kind", e.kind()).field("title", e.title()).field("detail", e.detail());
      json.field("traceId", e.traceId());
      String link =
          settings.jaegerUrl() == null || e.traceId() == null ? null : settings.jaegerUrl() + "/trace/" + e.traceId();
      json.field("traceUrl", link);
      json.endObject();
    }
    json.endArray();
    json.field("eventsTotal", events.total());
  }

  private void writeAlerts(Json json) {
    json.name("alerts").beginObject();
    json.field("configured", alerts != null);
    if (alerts != null) {
      AlertmanagerAlerts.State s = alerts.state();
      json.field("url", alerts.url()).field("filter", alerts.filter());
      json.field("checkedAt", s.checkedAt() == null ? null : s.checkedAt().toString());
      json.field("error", s.error());
      writeAlertList(json, "firing", s.firing());
      writeAlertList(json, "resolved", s.resolved());
    }
    json.endObject();
  }

  private static void writeAlertList(Json json, String name, List<AlertmanagerAlerts.Alert> list) {
    json.name(name).beginArray();
    for (AlertmanagerAlerts.Alert a : list) {
      json.beginObject();
      json.field("name", a.name()).field("severity", a.severity()).field("instance", a.instance());
      json.field("summary", a.summary()).field("state", a.state());
      json.field("startsAt", a.startsAt() == null ? null : a.startsAt().toString());
      json.field("endedAt", a.endedAt() == null || !a.state().equals("resolved") ? null : a.endedAt().toString());
      json.endObject();
    }
    json.endArray();
  }

  private static void nullable(Json json, String name, Double value) {
    json.name(name);
    if (value == null) {
      json.nullValue();
    } else {
      json.value(value);
    }
  }

  /**
   * The process's CPU time since the previous snapshot over the wall time and cores of the interval, 0..100. From
   * the CPU time itself rather than {@code getProcessCpuLoad()}, whose window is "since anyone last asked".
   */
  private double processCpuPercent() {
    if (!(ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)) {
      return Double.NaN;
    }
    long cpu = os.getProcessCpuTime();
    long wall = System.nanoTime();
    double percent = Double.NaN;
    if (cpu >= 0 && lastCpuNanos >= 0 && wall > lastWallNanos) {
      int cores = Runtime.getRuntime().availableProcessors();
      percent = Math.min(100, 100.0 * (cpu - lastCpuNanos) / ((double) (wall - lastWallNanos) * cores));
    }
    lastCpuNanos = cpu;
    lastWallNanos = wall;
    return percent;
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    String path = exchange.getRequestURI().getPath();
    String rest = path.startsWith(PREFIX) ? path.substring(PREFIX.length()) : path;
    switch (rest) {
      case "" -> {
        // Relative links of the page need the trailing slash.
        exchange.getResponseHeaders().set("Location", PREFIX + "/");
        Responses.send(exchange, 302, Responses.TEXT, "see " + PREFIX + "/\n");
      }
      case "/", "/index.html" -> {
        // the page renders with textContent only; this keeps anything else from running or framing it
        exchange.getResponseHeaders().set("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
        exchange.getResponseHeaders().set("X-Frame-Options", "DENY");
        Responses.send(exchange, 200, "text/html; charset=utf-8", asset(INDEX));
      }
      case "/snapshot" -> {
        if (!access.mayReadDetails(exchange)) {
          access.refuse(exchange);
          return;
        }
        String json = latest;
        Responses.send(exchange, json == null ? 503 : 200, "application/json", json == null ? "{}" : json);
      }
      case "/events" -> {
        if (!access.mayReadDetails(exchange)) {
          access.refuse(exchange);
        } else if (method.equals("HEAD")) {
          Responses.send(exchange, 200, "text/event-stream; charset=utf-8", new byte[0]);
        } else if (!stream.subscribe(exchange, latestSeq, latest)) {
          Responses.send(exchange, 503, Responses.TEXT, "too many dashboard pages open\n");
        }
      }
      default -> {
        String resource = rest.startsWith("/assets/") ? ASSETS.get(rest.substring("/assets/".length())) : null;
        byte[] body = resource == null ? null : asset(resource);
        if (body == null) {
          Responses.send(exchange, 404, Responses.TEXT, "not found\n");
        } else {
          Responses.send(exchange, 200,
              rest.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8", body);
        }
      }
    }
  }

  /** A resource of this jar, read once. */
  private byte[] asset(String resource) throws IOException {
    byte[] cached = assetCache.get(resource);
    if (cached != null) {
      return cached;
    }
    try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IOException("dashboard resource missing from the jar: " + resource);
      }
      byte[] body = in.readAllBytes();
      assetCache.put(resource, body);
      return body;
    }
  }

  private static ScheduledExecutorService daemon(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    stream.close();
  }
}
