package io.fabstir.otel.health;

/** A check's state, and the value it has in {@code fabstir_health_status{check}}. */
public enum HealthStatus {
  HEALTHY(1.0),
  DEGRADED(0.5),
  UNHEALTHY(0.0);

  private final double gaugeValue;

  HealthStatus(double gaugeValue) {
    this.gaugeValue = gaugeValue;
  }

  public double gaugeValue() {
    return gaugeValue;
  }

  /** Reads a gauge value back (anything below 0.5 is unhealthy, below 1 degraded). */
  public static HealthStatus fromGaugeValue(double value) {
    if (value >= 1.0) {
      return HEALTHY;
    }
    return value >= 0.5 ? DEGRADED : UNHEALTHY;
  }

  /** The worse of two states. */
  public HealthStatus worst(HealthStatus other) {
    return other.gaugeValue < gaugeValue ? other : this;
  }

  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
