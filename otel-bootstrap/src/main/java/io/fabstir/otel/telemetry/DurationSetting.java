package io.fabstir.otel.telemetry;

import java.time.Duration;
import java.util.Locale;

/** A duration setting of the application's side: system property, else environment variable ({@code 500ms}, {@code 5s}, millis). */
final class DurationSetting {

  private DurationSetting() {}

  static Duration read(String property, String env, Duration fallback) {
    String v = System.getProperty(property, System.getenv(env));
    if (v == null || v.isBlank()) {
      return fallback;
    }
    v = v.trim().toLowerCase(Locale.ROOT);
    try {
      if (v.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
      }
      if (v.endsWith("s")) {
        return Duration.ofMillis((long) (Double.parseDouble(v.substring(0, v.length() - 1)) * 1000));
      }
      return Duration.ofMillis(Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(property + " (" + env + ") is not a duration like 500ms or 5s: " + v, e);
    }
  }
}
