package io.fabstir.otel.health;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one run of a {@link HealthCheck} found: its status, a line for people, and structured details for
 * {@code /health} (e.g. {@code block_number}, {@code free_percent}). Detail values are JDK types only (String,
 * Number, Boolean, List, Map), because they cross from the application's class loader to the agent's.
 */
public record HealthResult(HealthStatus status, String detail, Map<String, Object> details) {

  public HealthResult {
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
    details = details == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  public HealthResult(HealthStatus status, String detail) {
    this(status, detail, Map.of());
  }

  public static HealthResult healthy() {
    return new HealthResult(HealthStatus.HEALTHY, "");
  }

  public static HealthResult healthy(String detail) {
    return new HealthResult(HealthStatus.HEALTHY, detail);
  }

  public static HealthResult degraded(String detail) {
    return new HealthResult(HealthStatus.DEGRADED, detail);
  }

  public static HealthResult unhealthy(String detail) {
    return new HealthResult(HealthStatus.UNHEALTHY, detail);
  }

  /** This result with one more detail ({@code withDetail("block_number", 19_000_000L)}). */
  public HealthResult withDetail(String key, Object value) {
    Map<String, Object> d = new LinkedHashMap<>(details);
    d.put(Objects.requireNonNull(key, "key"), value);
    return new HealthResult(status, detail, d);
  }

  /** The JDK-only form {@code /health} reads: {@code status}, {@code detail} (when set), {@code details}. */
  public Map<String, Object> asMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", status.label());
    if (!detail.isEmpty()) {
      m.put("detail", detail);
    }
    if (!details.isEmpty()) {
      m.put("details", details);
    }
    return m;
  }
}
