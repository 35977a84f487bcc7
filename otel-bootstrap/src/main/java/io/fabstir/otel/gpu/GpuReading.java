package io.fabstir.otel.gpu;

/** One device's readings at one instant, as NVML reports them (converted to base units). */
public record GpuReading(
    int index,
    String name,
    String uuid,
    double utilizationPercent,
    long memoryUsedBytes,
    long memoryTotalBytes,
    double temperatureCelsius,
    double powerWatts) {}
