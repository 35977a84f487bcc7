package io.fabstir.otel.extension;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Fabstir settings, read through OpenTelemetry's {@link ConfigProperties} so they follow the OTEL_* rules: system
 * property {@code fabstir.node.id} or environment variable {@code FABSTIR_NODE_ID}, and so on.
 */
record FabstirSettings(
    String nodeId,
    String hostName,
    String environment,
    String serviceName,
    String serviceVersion,
    boolean gpuEnabled,
    String nvmlLibrary,
    Duration gpuInterval,
    boolean gpuRequired,
    double gpuDegradedTemperature,
    List<Path> diskPaths,
    double diskDegradedRatio,
    double diskUnhealthyRatio,
    boolean healthDegradedOk,
    boolean systemMetricsEnabled,
    Duration systemMetricsInterval,
    boolean httpEnabled) {

  static FabstirSettings from(ConfigProperties config) {
    String host = detectHostName();
    return new FabstirSettings(
        config.getString("fabstir.node.id", host),
        host,
        firstNonBlank(config.getString("fabstir.environment"), config.getString("fabstir.deployment.environment")),
        config.getString("fabstir.service.name"),
        config.getString("fabstir.service.version"),
        config.getBoolean("fabstir.gpu.enabled", true),
        config.getString("fabstir.gpu.nvml.library"),
        config.getDuration("fabstir.gpu.sample.interval", Duration.ofSeconds(5)),
        config.getBoolean("fabstir.gpu.required", false),
        config.getDouble("fabstir.gpu.temperature.degraded", 85.0),
        config.getList("fabstir.health.disk.paths", List.of(".")).stream().map(Path::of).toList(),
        config.getDouble("fabstir.health.disk.degraded.ratio", 0.10),
        config.getDouble("fabstir.health.disk.unhealthy.ratio", 0.05),
        config.getBoolean("fabstir.health.degraded-ok", false),
        config.getBoolean("fabstir.system.enabled", true),
        config.getDuration("fabstir.system.interval", Duration.ofSeconds(15)),
        // Library mode's install() supplies false as the default; under the agent the endpoints are on.
        config.getBoolean("fabstir.http.enabled", true));
  }

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a;
    }
    return b != null && !b.isBlank() ? b : null;
  }

  private static volatile String cachedHostName;

  /** HOSTNAME, else the local host's name; looked up once (a resolver round trip is not free at start-up). */
  static String detectHostName() {
    String name = cachedHostName;
    if (name == null) {
      String env = System.getenv("HOSTNAME");
      if (env != null && !env.isBlank()) {
        name = env;
      } else {
        try {
          name = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
          name = "unknown";
        }
      }
      cachedHostName = name;
    }
    return name;
  }
}
