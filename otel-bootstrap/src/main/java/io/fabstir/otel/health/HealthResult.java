package io.fabstir.otel.health;

import java.util.Objects;

/** What one run of a {@link HealthCheck} found. */
public record HealthResult(HealthStatus status, String detail) {

  public HealthResult {
    Objects.requireNonNull(status, "status");
    detail = detail == null ? "" : detail;
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
}
