package io.fabstir.otel.dashboard;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code fabstir.dashboard.*}, read like the other Fabstir settings (system property, or the environment variable
 * {@code FABSTIR_DASHBOARD_ENABLED} and so on).
 *
 * @param enabled {@code fabstir.dashboard.enabled}, default false: nothing is sampled or allocated without it
 * @param interval {@code fabstir.dashboard.interval}, default 5s: how often a snapshot is taken and pushed
 * @param history {@code fabstir.dashboard.history}, default 15m: how far back the charts reach
 * @param jaegerUrl {@code fabstir.dashboard.jaeger.url}: base of the {@code {url}/trace/<trace.id>} links, or null
 * @param alertmanagerUrl {@code fabstir.dashboard.alertmanager.url}: the Alertmanager whose alerts the "Recent
 *     alerts" panel shows (its v2 API), or null ("not configured")
 * @param alertmanagerFilter {@code fabstir.dashboard.alertmanager.filter}: Alertmanager matchers selecting this
 *     node's alerts, e.g. {@code instance="node-7:9464"} (several: {@code {instance="node-7:9464",severity!="low"}});
 *     empty: every alert of that Alertmanager
 */
public record DashboardSettings(boolean enabled, Duration interval, Duration history, String jaegerUrl,
    String alertmanagerUrl, List<String> alertmanagerFilter) {

  /** Most points kept per series, whatever interval and history ask for. */
  static final int MAX_POINTS = 3600;

  public static DashboardSettings from(ConfigProperties config) {
    boolean enabled = config.getBoolean("fabstir.dashboard.enabled", false);
    Duration interval = config.getDuration("fabstir.dashboard.interval", Duration.ofSeconds(5));
    Duration history = config.getDuration("fabstir.dashboard.history", Duration.ofMinutes(15));
    String jaeger = httpUrl(config.getString("fabstir.dashboard.jaeger.url"), "fabstir.dashboard.jaeger.url",
        "http://jaeger:16686");
    String alertmanager = httpUrl(config.getString("fabstir.dashboard.alertmanager.url"),
        "fabstir.dashboard.alertmanager.url", "http://alertmanager:9093");
    List<String> filter = matchers(config.getString("fabstir.dashboard.alertmanager.filter", ""));
    if (interval.toMillis() < 100) {
      throw new ConfigurationException(
          "fabstir.dashboard.interval must be at least 100ms (got " + interval + "); e.g. 5s");
    }
    if (history.compareTo(interval) < 0) {
      throw new ConfigurationException(
          "fabstir.dashboard.history must not be shorter than fabstir.dashboard.interval (got " + history + "); e.g. 15m");
    }
    return new DashboardSettings(enabled, interval, history, jaeger, alertmanager, filter);
  }

  /** An http(s) base URL without trailing slashes, or null when unset. */
  private static String httpUrl(String url, String key, String example) {
    if (url == null || url.isBlank()) {
      return null;
    }
    url = url.strip();
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new ConfigurationException(key + " must be an http(s) URL (got " + url + "); e.g. " + example);
    }
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return url;
  }

  /** Matchers split at the commas outside quotes, braces taken off: each becomes one {@code filter} parameter. */
  static List<String> matchers(String filter) {
    String f = filter.strip();
    if (f.startsWith("{") && f.endsWith("}")) {
      f = f.substring(1, f.length() - 1);
    }
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c == '"' && (i == 0 || f.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        add(out, current);
      } else {
        current.append(c);
      }
    }
    add(out, current);
    return List.copyOf(out);
  }

  private static void add(List<String> out, StringBuilder matcher) {
    String m = matcher.toString().strip();
    if (!m.isEmpty()) {
      if (!m.matches("[a-zA-Z_][a-zA-Z0-9_]*\\s*(=|!=|=~|!~)\\s*\".*\"")) {
        throw new ConfigurationException("fabstir.dashboard.alertmanager.filter: '" + m + "' is not a matcher like"
            + " instance=\"node-7:9464\"");
      }
      out.add(m);
    }
    matcher.setLength(0);
  }

  /** Points of history kept: history / interval, bounded. */
  int points() {
    return (int) Math.max(2, Math.min(MAX_POINTS, history.toMillis() / interval.toMillis()));
  }
}
