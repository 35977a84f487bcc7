package io.fabstir.otel.gpu;

import io.fabstir.otel.diagnostics.AgentAwareLog;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Samples a {@link GpuProbe} on one background daemon thread, so readers (span processors, metric callbacks) only
 * ever see the cached {@link #latest()} and never wait on the driver. Without a GPU it logs the reason once and
 * schedules nothing more.
 */
public final class GpuSampler implements AutoCloseable {

  private static final AgentAwareLog LOG = AgentAwareLog.get(GpuSampler.class);

  private final Duration interval;
  private final List<Consumer<List<GpuReading>>> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService executor;
  private volatile GpuProbe probe; // null while the background thread is still opening it
  private volatile List<GpuReading> latest = List.of();
  private volatile long lastSampleNanos;
  private volatile String failure = "";
  private volatile boolean closed;

  private GpuSampler(Duration interval) {
    this.interval = Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fabstir-gpu-sampler");
              t.setDaemon(true);
              return t;
            });
  }

  /** Starts sampling {@code probe} every {@code interval}; the first sample is taken before this returns. */
  public static GpuSampler start(GpuProbe probe, Duration interval) {
    GpuSampler sampler = new GpuSampler(interval);
    sampler.opened(Objects.requireNonNull(probe, "probe"));
    return sampler;
  }

  /**
   * Opens the probe on the sampler's own thread and returns at once, so loading JNA and NVML never delays the
   * application's start (the agent calls this while the JVM boots). Until then there are no readings.
   */
  public static GpuSampler startInBackground(Supplier<GpuProbe> opener, Duration interval) {
    GpuSampler sampler = new GpuSampler(interval);
    sampler.executor.execute(
        () -> {
          GpuProbe probe;
          try {
            probe = opener.get();
          } catch (RuntimeException | LinkageError e) {
            probe = GpuProbe.none("GPU probe failed to open: " + e);
          }
          sampler.opened(probe);
        });
    return sampler;
  }

  private synchronized void opened(GpuProbe opened) {
    if (closed) {
      opened.close();
      return;
    }
    probe = opened;
    if (!opened.available()) {
      LOG.info("No GPU: " + opened.unavailableReason() + ". GPU metrics and span attributes are off.");
      executor.shutdown();
      return;
    }
    LOG.info("NVML: " + opened.deviceCount() + " GPU(s), sampling every " + interval.toMillis() + " ms");
    sampleOnce(); // readings are there before the first job span starts
    executor.scheduleWithFixedDelay(this::sampleOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** True once the probe is open and found a GPU. */
  public boolean ready() {
    return probe != null;
  }

  /** True when a GPU was found; false is the clean "no GPU" state. */
  public boolean gpuPresent() {
    GpuProbe p = probe;
    return p != null && p.available();
  }

  /** Why there is no GPU, or why the last sample failed; empty when all is well. */
  public String problem() {
    GpuProbe p = probe;
    if (p == null) {
      return "GPU probe still opening";
    }
    return p.available() ? failure : p.unavailableReason();
  }

  public int deviceCount() {
    GpuProbe p = probe;
    return p != null && p.available() ? p.deviceCount() : 0;
  }

  /** The most recent readings (empty without a GPU or after a failed sample). Never touches NVML. */
  public List<GpuReading> latest() {
    return latest;
  }

  /** Age of {@link #latest()}; used by the health check to spot a stuck sampler. */
  public Duration sampleAge() {
    long at = lastSampleNanos;
    return at == 0 ? Duration.ofDays(1) : Duration.ofNanos(System.nanoTime() - at);
  }

  public Duration interval() {
    return interval;
  }

  /** Called on the sampler thread after every successful sample. */
  public void addListener(Consumer<List<GpuReading>> listener) {
    listeners.add(listener);
  }

  public void removeListener(Consumer<List<GpuReading>> listener) {
    listeners.remove(listener);
  }

  private void sampleOnce() {
    List<GpuReading> readings;
    try {
      readings = List.copyOf(probe.read());
    } catch (RuntimeException | Error e) {
      if (failure.isEmpty()) { // once per failure streak, not once per tick
        LOG.warn("GPU sampling failed: " + e.getMessage(), null);
      }
      failure = String.valueOf(e.getMessage());
      latest = List.of();
      return;
    }
    if (!failure.isEmpty()) {
      LOG.info("GPU sampling recovered");
      failure = "";
    }
    latest = readings;
    lastSampleNanos = System.nanoTime();
    for (Consumer<List<GpuReading>> listener : listeners) {
      try {
        listener.accept(readings);
      } catch (RuntimeException e) {
        LOG.warn("GPU sample listener failed", e);
      }
    }
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    executor.shutdownNow();
    try {
      executor.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    GpuProbe p = probe;
    if (p != null) {
      p.close();
    }
  }
}
