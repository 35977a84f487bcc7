package io.fabstir.otel.gpu;

import java.util.List;

/**
 * One device's readings at one instant, as NVML reports them (converted to base units). A reading the device could
 * not give is NaN (bytes: -1) and named in {@code missing} with why: {@code "power: not supported"} or
 * {@code "power: NVML error 999"}.
 */
public record GpuReading(
    int index,
    String name,
    String uuid,
    double utilizationPercent,
    long memoryUsedBytes,
    long memoryTotalBytes,
    double temperatureCelsius,
    double powerWatts,
    List<String> missing) {

  /** The suffix of a {@link #missing()} entry for NVML_ERROR_NOT_SUPPORTED. */
  public static final String NOT_SUPPORTED = "not supported";

  public GpuReading {
    missing = missing == null ? List.of() : List.copyOf(missing);
  }

  /** A reading with every value present. */
  public GpuReading(
      int index,
      String name,
      String uuid,
      double utilizationPercent,
      long memoryUsedBytes,
      long memoryTotalBytes,
      double temperatureCelsius,
      double powerWatts) {
    this(index, name, uuid, utilizationPercent, memoryUsedBytes, memoryTotalBytes, temperatureCelsius, powerWatts,
        List.of());
  }
}
