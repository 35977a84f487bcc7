package io.fabstir.otel.dashboard;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.time.Duration;

/**
 * {@code fabstir.dashboard.*}, read like the other Fabstir settings (system property, or the environment variable
 * {@code FABSTIR_DASHBOARD_ENABLED} and so on).
 *
 * @param enabled {@code fabstir.dashboard.enabled}, default false: nothing is sampled or allocated without it
 * @param interval {@code fabstir.dashboard.interval}, default 5s: how often a snapshot is taken and pushed
 * @param history {@code fabstir.dashboard.history}, default 15m: how far back the charts reach
 * @param jaegerUrl {@code fabstir.dashboard.jaeger.url}: base of the {@code {url}/trace/<trace.id>} links, or null
 */
public record DashboardSettings(boolean enabled, Duration interval, Duration history, String jaegerUrl) {

  /** Most points kept per series, whatever interval and history ask for. */
  static final int MAX_POINTS = 3600;

  public static DashboardSettings from(ConfigProperties config) {
    boolean enabled = config.getBoolean("fabstir.dashboard.enabled", false);
    Duration interval = config.getDuration("fabstir.dashboard.interval", Duration.ofSeconds(5));
    Duration history = config.getDuration("fabstir.dashboard.history", Duration.ofMinutes(15));
    String jaeger = config.getString("fabstir.dashboard.jaeger.url");
    if (interval.toMillis() < 100) {
      throw new ConfigurationException(
          "fabstir.dashboard.interval must be at least 100ms (got " + interval + "); e.g. 5s");
    }
    if (history.compareTo(interval) < 0) {
      throw new ConfigurationException(
          "fabstir.dashboard.history must not be shorter than fabstir.dashboard.interval (got " + history + "); e.g. 15m");
    }
    if (jaeger != null && !jaeger.isBlank()) {
      jaeger = jaeger.strip();
      if (!jaeger.startsWith("http://") && !jaeger.startsWith("https://")) {
        throw new ConfigurationException(
            "fabstir.dashboard.jaeger.url must be an http(s) URL (got " + jaeger + "); e.g. http://jaeger:16686");
      }
      while (jaeger.endsWith("/")) {
        jaeger = jaeger.substring(0, jaeger.length() - 1);
      }
    } else {
      jaeger = null;
    }
    return new DashboardSettings(enabled, interval, history, jaeger);
  }

  /** Points of history kept: history / interval, bounded. */
  int points() {
    return (int) Math.max(2, Math.min(MAX_POINTS, history.toMillis() / interval.toMillis()));
  }
}
