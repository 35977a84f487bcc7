package io.fabstir.otel.system;

import java.util.List;
import java.util.Map;

/** One reading of the host. NaN where a file was missing or unreadable. */
public record SystemSample(
    double load1,
    double load5,
    double load15,
    double cpuUsedPercent,
    double memoryUsedPercent,
    Map<String, Double> diskUsedPercentByMount,
    Map<String, long[]> networkBytesByInterface) {

  static final SystemSample EMPTY =
      new SystemSample(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Map.of(), Map.of());

  /** {received, sent} bytes of {@code iface}. */
  long[] network(String iface) {
    return networkBytesByInterface.getOrDefault(iface, new long[2]);
  }

  List<String> interfaces() {
    return List.copyOf(networkBytesByInterface.keySet());
  }
}
