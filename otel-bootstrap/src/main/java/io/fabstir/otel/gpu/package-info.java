/**
 * GPU readings from NVML through JNA: {@link io.fabstir.otel.gpu.GpuProbe} (init, devices, name, UUID, utilization,
 * memory, temperature, power) and {@link io.fabstir.otel.gpu.GpuSampler}, which samples on a background thread so
 * nothing on a request or span thread ever calls the driver. The library is found from {@code fabstir.gpu.nvml.library}
 * (a path or name) or else {@code libnvidia-ml.so.1}; without it the probe is in a clean "no GPU" state, logged once.
 */
package io.fabstir.otel.gpu;
