package io.fabstir.otel.telemetry;

import io.fabstir.otel.events.FabstirEventListener;
import io.fabstir.otel.events.FabstirEvents;
import io.fabstir.otel.health.HealthRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The application's entry point, the same in both modes:
 *
 * <pre>{@code
 * FabstirTelemetry telemetry = FabstirTelemetry.install();   // first thing in main()
 * Job job = telemetry.jobs().onJobStarted("j-1", "llama-3-8b");
 * try (Scope scope = job.makeCurrent()) { ... job.complete(); } catch (Exception e) { job.fail(e); }
 * telemetry.health().register("chain", () -> HealthResult.healthy());
 * }</pre>
 *
 * Under {@code -javaagent:fabstir-otel-agent.jar}, {@link #install()} installs nothing and uses the agent's SDK
 * through the OpenTelemetry API the agent bridges. Without the agent it builds an SDK with OpenTelemetry's
 * autoconfigure (all {@code OTEL_*} settings apply), which loads the same Fabstir extension from the classpath;
 * the HTTP endpoints are off unless {@code fabstir.http.enabled=true}.
 */
public final class FabstirTelemetry implements AutoCloseable {

  private static volatile FabstirTelemetry current;
  /** What the installed instance hears from the event API ({@link #install()} registers it). */
  private static volatile FabstirEventListener eventMetrics;

  private final OpenTelemetry openTelemetry;
  private final AutoCloseable ownedSdk;
  private final JobTelemetry jobs;
  private final OperationTimer operations;
  private final NodeGauges node;
  private final HealthRegistry health;
  private final ErrorTracker errors;
  private volatile HeapWatch heapWatch;

  private FabstirTelemetry(OpenTelemetry openTelemetry, AutoCloseable ownedSdk) {
    this.openTelemetry = openTelemetry;
    this.ownedSdk = ownedSdk;
    this.jobs = new JobTelemetry(openTelemetry);
    this.operations = new OperationTimer(openTelemetry, OperationTimer.thresholdFromSettings());
    this.node = new NodeGauges(openTelemetry);
    this.health = new HealthRegistry(openTelemetry).timeout(DurationSetting.read("fabstir.health.timeout",
        "FABSTIR_HEALTH_TIMEOUT", HealthRegistry.DEFAULT_TIMEOUT));
    this.errors = new ErrorTracker(openTelemetry);
  }

  /** Installs telemetry once per JVM (later calls return the same instance). */
  public static FabstirTelemetry install() {
    return install(Map.of());
  }

  /**
   * Like {@link #install()}, with default settings (e.g. {@code otel.service.name}) that system properties and
   * environment variables override.
   */
  public static synchronized FabstirTelemetry install(Map<String, String> defaults) {
    if (current != null) {
      return current;
    }
    if (agentPresent() || GlobalOpenTelemetry.isSet()) {
      current = new FabstirTelemetry(GlobalOpenTelemetry.get(), null);
    } else {
      Map<String, String> properties = new HashMap<>();
      properties.put("fabstir.http.enabled", "false");
      properties.putAll(defaults);
      LibraryModeSdk.Installed sdk = LibraryModeSdk.build(properties);
      current = new FabstirTelemetry(sdk.openTelemetry(), sdk.closer());
      JvmMetrics.register(sdk.openTelemetry()); // under the agent its runtime metrics give these
    }
    eventMetrics = current.new EventMetrics();
    FabstirEvents.addListener(eventMetrics);
    current.heapWatch = HeapWatch.start();
    current.health.publish();
    return current;
  }

  /**
   * Performance events ({@code FabstirEvents.perf(log).measure(..)}) also feed
   * {@code fabstir_operation_duration_seconds{operation,outcome}}, so one call gives the log record and the metric.
   * The slow WARN is the event's own record, so none is added here; a slow one also becomes a span (see
   * {@link OperationTimer}).
   */
  private final class EventMetrics implements FabstirEventListener {
    @Override
    public void operation(String operation, Duration duration, boolean success, Map<String, String> labels) {
      operations.recordMetric(operation, duration, success ? "success" : "failure");
    }

    @Override
    public void slowOperation(String operation, Duration duration, boolean success, Map<String, String> labels) {
      operations.slowSpan(operation, duration, success ? "success" : "failure");
    }
  }

  /** Telemetry on an OpenTelemetry instance the application built itself (not made global). */
  public static FabstirTelemetry using(OpenTelemetry openTelemetry) {
    return new FabstirTelemetry(openTelemetry, null);
  }

  /**
   * The installed telemetry; under the agent it is created on first use. Empty in library mode before
   * {@link #install()}, so early callers (a Logback appender at start-up) never pin the global to a no-op.
   */
  public static Optional<FabstirTelemetry> ifInstalled() {
    FabstirTelemetry t = current;
    if (t == null && agentPresent()) {
      return Optional.of(install());
    }
    return Optional.ofNullable(t);
  }

  /** True when running under an OpenTelemetry Java agent (its bootstrap classes are on the boot class path). */
  public static boolean agentPresent() {
    try {
      Class.forName("io.opentelemetry.javaagent.bootstrap.AgentInitializer", false, null);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  public JobTelemetry jobs() {
    return jobs;
  }

  public OperationTimer operations() {
    return operations;
  }

  public NodeGauges node() {
    return node;
  }

  public HealthRegistry health() {
    return health;
  }

  public ErrorTracker errors() {
    return errors;
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** Flushes and shuts down the SDK this instance installed (nothing under the agent). */
  @Override
  public void close() {
    if (heapWatch != null) {
      heapWatch.close();
    }
    synchronized (FabstirTelemetry.class) {
      if (current == this) {
        current = null;
        health.withdraw();
        FabstirEvents.removeListener(eventMetrics);
        eventMetrics = null;
      }
    }
    if (ownedSdk != null) {
      try {
        ownedSdk.close();
      } catch (Exception e) {
        throw new IllegalStateException("OpenTelemetry SDK shutdown failed", e);
      }
      GlobalOpenTelemetry.resetForTest(); // lets a later install() in the same JVM build a fresh SDK
    }
  }
}
