package io.fabstir.otel.extension;

import io.fabstir.otel.dashboard.Dashboard;
import io.fabstir.otel.dashboard.DashboardSettings;
import io.fabstir.otel.dashboard.NotableEvents;
import io.fabstir.otel.gpu.GpuProbe;
import io.fabstir.otel.gpu.GpuReading;
import io.fabstir.otel.gpu.GpuSampler;
import io.fabstir.otel.health.DiskSpaceCheck;
import io.fabstir.otel.health.HealthResult;
import io.fabstir.otel.health.HealthStatus;
import io.fabstir.otel.http.HttpSettings;
import io.fabstir.otel.http.TelemetryEndpoints;
import io.fabstir.otel.metrics.PrometheusReader;
import io.fabstir.otel.redaction.Redaction;
import io.fabstir.otel.system.SystemMetrics;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.io.IOException;
import io.fabstir.otel.diagnostics.AgentAwareLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/** What the extension starts, created once from the first configuration callback. */
final class FabstirRuntime {

  private static final AgentAwareLog LOG = AgentAwareLog.get(FabstirRuntime.class);
  private static final AttributeKey<String> GPU_INDEX = AttributeKey.stringKey("gpu_index");
  private static final AttributeKey<String> CHECK = AttributeKey.stringKey("check");
  private static final AttributeKey<String> PATH = AttributeKey.stringKey("path");
  /** Whether the official agent loaded this extension (then {@link FabstirAgentListener} reports its end). */
  private static final boolean UNDER_AGENT = agentApiVisible();
  /** Longest wait for the agent's "installed" callback before the endpoints start anyway. */
  private static final Duration AGENT_WAIT = Duration.ofSeconds(10);
  private static final CountDownLatch AGENT_INSTALLED = new CountDownLatch(1);

  private FabstirSettings settings;
  private Redaction redaction;
  /** Only when the HTTP endpoints are on: their credential and certificate are read and checked at start. */
  private HttpSettings httpSettings;
  private GpuSampler sampler;
  private GpuSpanProcessor spanProcessor;
  private PrometheusReader reader;
  private volatile TelemetryEndpoints endpoints;
  private SystemMetrics systemMetrics;
  private DashboardSettings dashboardSettings;
  /** Only when the dashboard is on: nothing of it exists otherwise. */
  private NotableEvents dashboardEvents;
  private Dashboard dashboard;
  private boolean closed;

  synchronized FabstirRuntime init(ConfigProperties config) {
    if (settings == null) {
      settings = FabstirSettings.from(config);
      redaction = Redaction.from(config);
      // JNA + NVML load on the sampler's thread: the application's start never waits for them.
      String library = settings.nvmlLibrary();
      sampler =
          settings.gpuEnabled()
              ? GpuSampler.startInBackground(() -> GpuProbe.nvml(library), settings.gpuInterval())
              : GpuSampler.start(GpuProbe.none("GPU probing off (fabstir.gpu.enabled=false)"), settings.gpuInterval());
      spanProcessor = new GpuSpanProcessor(sampler);
      reader = new PrometheusReader();
      dashboardSettings = DashboardSettings.from(config);
      if (settings.httpEnabled()) {
        httpSettings = HttpSettings.from(config);
        if (dashboardSettings.enabled()) {
          if (!httpSettings.loopbackOnly() && !httpSettings.access().credentialsConfigured()) {
            throw new ConfigurationException("fabstir.dashboard.enabled on " + httpSettings.host()
                + ", which is not loopback-only, needs a credential: set fabstir.http.auth.token-file (or "
                + "FABSTIR_HTTP_AUTH_TOKEN, fabstir.http.auth.basic-file), or fabstir.http.host=127.0.0.1");
          }
          dashboardEvents = new NotableEvents();
        }
      }
      reader.onShutdown(this::close); // SDK shutdown (JVM exit under the agent, close() in library mode)
    }
    return this;
  }

  /** The rules every exit applies; the redactor itself is built on first use, off the start path. */
  synchronized Redaction redaction() {
    return redaction;
  }

  synchronized GpuSpanProcessor spanProcessor() {
    return spanProcessor;
  }

  /** The span processor that feeds the dashboard's recent events, when the dashboard is on. */
  synchronized Optional<NotableEvents> dashboardEvents() {
    return Optional.ofNullable(dashboardEvents);
  }

  synchronized PrometheusReader reader() {
    return reader;
  }

  synchronized void afterSdk(OpenTelemetrySdk sdk) {
    if (settings == null) {
      return; // SDK disabled: no customizer ran
    }
    Meter meter = sdk.getMeterProvider().get("io.fabstir.otel.extension");
    registerGpuGauges(meter);
    registerBuiltInHealth(meter);
    if (settings.systemMetricsEnabled()) {
      try {
        systemMetrics = SystemMetrics.start(meter, settings.systemMetricsInterval());
      } catch (RuntimeException | LinkageError e) {
        LOG.warn("host metrics not started (fabstir.system.enabled=false turns them off)", e);
      }
    }
    if (settings.httpEnabled()) {
      // Bound off the start-up path too, and under the agent only after it has installed; a port clash is logged,
      // never fatal to the application.
      Thread starter =
          new Thread(
              () -> {
                if (UNDER_AGENT) {
                  awaitAgent();
                }
                startEndpoints();
              },
              "fabstir-telemetry-http-start");
      starter.setDaemon(true);
      starter.start();
    }
  }

  /** Called by the agent once its instrumentation is installed, just before the application's main(). */
  static void agentInstalled() {
    AGENT_INSTALLED.countDown();
  }

  private static void awaitAgent() {
    try {
      if (!AGENT_INSTALLED.await(AGENT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.info("the agent did not report its installation within " + AGENT_WAIT + "; starting the endpoints");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Under the agent, its extension API comes from the agent's class loader, a parent of the one that loaded this
   * extension. On an application's class path (library mode, the API there for whatever reason) both come from
   * the same loader, and nothing would call {@link #agentInstalled()}.
   */
  private static boolean agentApiVisible() {
    ClassLoader ours = FabstirRuntime.class.getClassLoader();
    try {
      Class<?> api = Class.forName("io.opentelemetry.javaagent.extension.AgentListener", false, ours);
      return api.getClassLoader() != ours;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private synchronized void startEndpoints() {
    if (closed) {
      return;
    }
    try {
      endpoints = TelemetryEndpoints.start(httpSettings, reader, sampler::ready, redaction)
          .builtInHealth(this::builtInHealth)
          .degradedOk(settings.healthDegradedOk());
      String scheme = httpSettings.https() ? "https" : "http";
      LOG.info("Fabstir /metrics /health /ready on " + scheme + "://" + httpSettings.host() + ":" + endpoints.port()
          + (httpSettings.access().credentialsConfigured() ? " (credential required)" : ""));
      String warning = httpSettings.exposureWarning();
      if (warning != null) {
        LOG.warn(warning, null);
      }
      if (dashboardEvents != null) {
        dashboard =
            Dashboard.start(
                dashboardSettings, reader, sampler, settings.diskPaths(), TelemetryEndpoints::checks, dashboardEvents,
                endpoints.access(), redaction, endpoints.deadlines());
        endpoints.mount("/dashboard", dashboard);
        LOG.info("Fabstir dashboard on " + scheme + "://" + httpSettings.host() + ":" + endpoints.port() + "/dashboard/");
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("Fabstir HTTP endpoints not started on port " + httpSettings.port(), e);
    }
  }

  private void registerGpuGauges(Meter meter) {
    meter
        .gaugeBuilder("fabstir_gpu_count")
        .setDescription("GPUs found through NVML (0 without NVML).")
        .setUnit("")
        .ofLongs()
        .buildWithCallback(m -> m.record(sampler.deviceCount()));
    // Registered whatever the probe finds (it may still be opening); without readings they report nothing.
    gpuGauge(meter, "fabstir_gpu_utilization_percent", "GPU utilization, percent.", GpuReading::utilizationPercent);
    gpuGauge(meter, "fabstir_gpu_memory_used_bytes", "GPU memory in use.", r -> r.memoryUsedBytes());
    gpuGauge(meter, "fabstir_gpu_memory_total_bytes", "GPU memory installed.", r -> r.memoryTotalBytes());
    gpuGauge(meter, "fabstir_gpu_temperature_celsius", "GPU temperature.", GpuReading::temperatureCelsius);
    gpuGauge(meter, "fabstir_gpu_power_watts", "GPU power draw.", GpuReading::powerWatts);
  }

  private void gpuGauge(Meter meter, String name, String description, ToDoubleFunction<GpuReading> value) {
    meter
        .gaugeBuilder(name)
        .setDescription(description)
        .setUnit("")
        .buildWithCallback(
            m -> {
              for (GpuReading r : sampler.latest()) {
                double v = value.applyAsDouble(r);
                if (!Double.isNaN(v) && v >= 0) { // a reading the device lacks is left out, not reported as 0
                  m.record(v, Attributes.of(GPU_INDEX, Integer.toString(r.index())));
                }
              }
            });
  }

  private List<DiskSpaceCheck> disks = List.of();

  /** The extension's own checks with their details, for /health. */
  private Map<String, Map<String, Object>> builtInHealth() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    out.put("disk", diskHealth().asMap());
    out.put("gpu", gpuHealth().asMap());
    return out;
  }

  /** The worst of the watched paths, each path's free percent and GB in the details. */
  HealthResult diskHealth() {
    HealthStatus worst = HealthStatus.HEALTHY;
    List<Object> paths = new ArrayList<>();
    for (DiskSpaceCheck d : disks) {
      HealthResult r;
      try {
        r = d.check();
      } catch (IOException | RuntimeException e) {
        r = HealthResult.unhealthy(d.path() + ": " + e.getMessage()).withDetail("path", d.path().toString());
      }
      worst = worst.worst(r.status());
      Map<String, Object> p = new LinkedHashMap<>(r.details());
      p.put("status", r.status().label());
      paths.add(p);
    }
    return new HealthResult(worst, "", Map.of("paths", paths));
  }

  private void registerBuiltInHealth(Meter meter) {
    disks =
        settings.diskPaths().stream()
            .map(p -> new DiskSpaceCheck(p, settings.diskDegradedRatio(), settings.diskUnhealthyRatio()))
            .toList();
    List<DiskSpaceCheck> disks = this.disks;
    meter
        .gaugeBuilder("fabstir_disk_free_ratio")
        .setDescription("Usable fraction of the file system holding each watched path.")
        .setUnit("")
        .buildWithCallback(
            m -> {
              for (DiskSpaceCheck d : disks) {
                try {
                  m.record(d.freeRatio(), Attributes.of(PATH, d.path().toString()));
                } catch (IOException e) {
                  // the health check below reports it
                }
              }
            });
    meter
        .gaugeBuilder("fabstir_health_status")
        .setDescription("Health of each check: 1 healthy, 0.5 degraded, 0 unhealthy.")
        .setUnit("")
        .buildWithCallback(
            m -> {
              record(m, "disk", diskHealth().status());
              record(m, "gpu", gpuHealth().status());
            });
  }

  /**
   * No GPU is fine unless fabstir.gpu.required; a stuck sampler or a hot GPU is not. A reading a device does not
   * support (NVML_ERROR_NOT_SUPPORTED: MIG slices, data-centre boards without a sensor) is listed as missing and
   * changes nothing; a reading that failed with another NVML error makes the check degraded.
   */
  HealthResult gpuHealth() {
    if (!sampler.ready()) {
      return HealthResult.healthy("GPU probe starting").withDetail("gpus", List.of());
    }
    if (!sampler.gpuPresent()) {
      HealthResult r = settings.gpuRequired()
          ? HealthResult.unhealthy("no GPU: " + sampler.problem())
          : HealthResult.healthy("no GPU");
      return r.withDetail("gpus", List.of()).withDetail("reason", sampler.problem());
    }
    List<GpuReading> latest = sampler.latest();
    Duration staleAfter = sampler.interval().multipliedBy(3).plusSeconds(5);
    if (latest.isEmpty() || sampler.sampleAge().compareTo(staleAfter) > 0) {
      return HealthResult.unhealthy("GPU readings stale: " + sampler.problem());
    }
    HealthStatus status = HealthStatus.HEALTHY;
    List<String> problems = new ArrayList<>();
    List<Object> gpus = new ArrayList<>();
    for (GpuReading r : latest) {
      Map<String, Object> gpu = new LinkedHashMap<>();
      gpu.put("index", r.index());
      gpu.put("name", r.name());
      gpu.put("uuid", r.uuid());
      gpu.put("utilization_percent", r.utilizationPercent());
      gpu.put("memory_used_bytes", r.memoryUsedBytes() < 0 ? null : r.memoryUsedBytes());
      gpu.put("memory_total_bytes", r.memoryTotalBytes() < 0 ? null : r.memoryTotalBytes());
      gpu.put("temperature_celsius", r.temperatureCelsius());
      gpu.put("power_watts", r.powerWatts());
      if (!r.missing().isEmpty()) {
        gpu.put("missing", r.missing());
      }
      gpus.add(gpu);
      if (r.temperatureCelsius() >= settings.gpuDegradedTemperature()) {
        status = status.worst(HealthStatus.DEGRADED);
        problems.add("GPU " + r.index() + " at " + r.temperatureCelsius() + " C");
      }
      for (String m : r.missing()) {
        if (!m.endsWith(GpuReading.NOT_SUPPORTED)) {
          status = status.worst(HealthStatus.DEGRADED);
          problems.add("GPU " + r.index() + " " + m);
        }
      }
    }
    return new HealthResult(status, String.join("; ", problems), Map.of("gpus", gpus));
  }

  private static void record(ObservableDoubleMeasurement m, String check, HealthStatus status) {
    m.record(status.gaugeValue(), Attributes.of(CHECK, check));
  }

  synchronized void close() {
    closed = true;
    if (dashboard != null) {
      dashboard.close();
      dashboard = null;
    }
    if (endpoints != null) {
      endpoints.close();
      endpoints = null;
    }
    if (sampler != null) {
      sampler.close();
    }
    if (systemMetrics != null) {
      systemMetrics.close();
    }
  }
}
