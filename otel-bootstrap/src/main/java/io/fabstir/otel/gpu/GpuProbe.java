package io.fabstir.otel.gpu;

import java.util.List;

/**
 * Reads GPU state. {@link #nvml(String)} talks to NVML; a host without NVML (or without a GPU) gets a probe that is
 * simply {@linkplain #available() unavailable} with a reason, never one that throws on every read.
 */
public interface GpuProbe extends AutoCloseable {

  /** Opens NVML from {@code library} (a path or a library name; null or blank means the system's libnvidia-ml). */
  static GpuProbe nvml(String library) {
    return NvmlProbe.open(library);
  }

  /** A probe for a host without GPUs. */
  static GpuProbe none(String reason) {
    return new NoGpu(reason);
  }

  boolean available();

  /** Why {@link #available()} is false; empty when it is true. */
  String unavailableReason();

  int deviceCount();

  /** Current readings of every device, in index order; empty when unavailable. Calls into NVML: not for hot paths. */
  List<GpuReading> read();

  @Override
  void close();

  record NoGpu(String unavailableReason) implements GpuProbe {
    @Override public boolean available() { return false; }
    @Override public int deviceCount() { return 0; }
    @Override public List<GpuReading> read() { return List.of(); }
    @Override public void close() {}
  }
}
