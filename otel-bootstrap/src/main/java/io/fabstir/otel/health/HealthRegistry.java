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
