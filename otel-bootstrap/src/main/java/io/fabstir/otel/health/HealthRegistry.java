package io.fabstir.otel.health;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The application's own health checks (chain connectivity, models loaded, …). Each check is published as
 * {@code fabstir_health_status{check="name"}} through the OpenTelemetry API only, so the same registry works in
 * library mode and under the agent, where the {@code /health} endpoint lives inside the agent's extension and reads
 * these values from the metrics it collects. Disk space and GPU are built in on the extension side.
 */
public final class HealthRegistry {

  public static final String METRIC = "fabstir_health_status";
  /**
   * Where the installed registry offers its results to the agent's {@code /health}: a system property holding a
   * {@code Supplier<Map<String, Map<String, Object>>>} (check name to {@link HealthResult#asMap()}). Only JDK types
   * cross, since the application's classes and the extension's live in different class loaders.
   */
  public static final String RESULTS_PROPERTY = "io.fabstir.health.results";
  static final AttributeKey<String> CHECK = AttributeKey.stringKey("check");

  /** Default of {@link #timeout(Duration)}: {@code fabstir.health.timeout} / {@code FABSTIR_HEALTH_TIMEOUT}, else 5s. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /** Checks run here, so a check that hangs holds a thread of its own, never a scrape's or a probe's. */
  private static final ExecutorService RUNNER = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fabstir-health-check");
    t.setDaemon(true);
    return t;
  });

  private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();
  /** Runs not finished yet, by check: a check still running is waited for, never started twice. */
  private final Map<String, Run> running = new ConcurrentHashMap<>();
  private volatile Duration timeout = DEFAULT_TIMEOUT;

  private record Run(CompletableFuture<HealthResult> result, long deadlineNanos) {}

  /** Registers the gauge on {@code openTelemetry}'s meter; checks run when metrics are collected. */
  public HealthRegistry(OpenTelemetry openTelemetry) {
    openTelemetry
        .getMeter("io.fabstir.otel.health")
        .gaugeBuilder(METRIC)
        .setDescription("Health of each check: 1 healthy, 0.5 degraded, 0 unhealthy.")
        .setUnit("")
        .buildWithCallback(
            gauge ->
                evaluate()
                    .forEach(
                        (name, result) ->
                            gauge.record(result.status().gaugeValue(), Attributes.of(CHECK, name))));
  }

  /** Adds or replaces the check called {@code name}. */
  public HealthRegistry register(String name, HealthCheck check) {
    checks.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(check, "check"));
    return this;
  }

  public void unregister(String name) {
    checks.remove(name);
  }

  /**
   * The longest a check may take. One that takes longer is unhealthy ("no answer within …") until it answers; it is
   * not started again while it runs, and a later evaluation waits for it only until its first deadline.
   */
  public HealthRegistry timeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    this.timeout = timeout;
    return this;
  }

  /**
   * Runs every check now, all at once, each within the timeout; a check that throws is unhealthy with the
   * exception as detail.
   */
  public Map<String, HealthResult> evaluate() {
    Map<String, Run> runs = new TreeMap<>();
    checks.forEach((name, check) -> runs.put(name, start(name, check)));
    Map<String, HealthResult> results = new LinkedHashMap<>();
    runs.forEach((name, run) -> results.put(name, await(run)));
    return results;
  }

  private Run start(String name, HealthCheck check) {
    Run run = running.computeIfAbsent(name, n -> {
      Run r = new Run(new CompletableFuture<>(), System.nanoTime() + timeout.toNanos());
      try {
        RUNNER.execute(() -> {
          try {
            r.result().complete(run(check));
          } finally {
            running.remove(n, r);
          }
        });
      } catch (RuntimeException e) {
        r.result().complete(HealthResult.unhealthy("not run: " + e));
      }
      return r;
    });
    if (run.result().isDone()) {
      running.remove(name, run); // it finished before it was put in the map
    }
    return run;
  }

  private HealthResult await(Run run) {
    long wait = run.deadlineNanos() - System.nanoTime();
    try {
      return wait <= 0 && !run.result().isDone()
          ? timedOut()
          : run.result().get(Math.max(0, wait), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      return timedOut();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return HealthResult.unhealthy("interrupted while waiting for the check");
    } catch (ExecutionException e) {
      return HealthResult.unhealthy(String.valueOf(e.getCause()));
    }
  }

  private HealthResult timedOut() {
    return HealthResult.unhealthy("no answer within " + timeout.toMillis() + " ms");
  }

  /** Every check's result in the JDK-only form of {@link HealthResult#asMap()}. */
  public Map<String, Map<String, Object>> snapshot() {
    Map<String, Map<String, Object>> out = new LinkedHashMap<>();
    evaluate().forEach((name, result) -> out.put(name, result.asMap()));
    return out;
  }

  /** Offers this registry's results to {@code /health} (see {@link #RESULTS_PROPERTY}). */
  public void publish() {
    java.util.function.Supplier<Map<String, Map<String, Object>>> supplier = this::snapshot;
    System.getProperties().put(RESULTS_PROPERTY, supplier);
  }

  /** Withdraws what {@link #publish()} offered, if it is still this registry's. */
  public void withdraw() {
    Object current = System.getProperties().get(RESULTS_PROPERTY);
    if (current != null) {
      System.getProperties().remove(RESULTS_PROPERTY, current);
    }
  }

  /** The worst state over all checks (healthy when there are none). */
  public HealthStatus overall() {
    HealthStatus overall = HealthStatus.HEALTHY;
    for (HealthResult r : evaluate().values()) {
      overall = overall.worst(r.status());
    }
    return overall;
  }

  static HealthResult run(HealthCheck check) {
    try {
      HealthResult result = check.check();
      return result == null ? HealthResult.unhealthy("check returned null") : result;
    } catch (Exception | LinkageError e) {
      return HealthResult.unhealthy(e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }
}
