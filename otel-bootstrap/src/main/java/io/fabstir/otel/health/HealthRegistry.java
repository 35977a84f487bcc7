package io.fabstir.otel.health;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

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

  private final Map<String, HealthCheck> checks = new ConcurrentHashMap<>();

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

  /** Runs every check now; a check that throws is unhealthy with the exception as detail. */
  public Map<String, HealthResult> evaluate() {
    Map<String, HealthResult> results = new LinkedHashMap<>();
    checks.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> results.put(e.getKey(), run(e.getValue())));
    return results;
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
