package io.fabstir.otel.gpu;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Samples a {@link GpuProbe} on one background daemon thread, so readers (span processors, metric callbacks) only
 * ever see the cached {@link #latest()} and never wait on the driver. Without a GPU it logs the reason once and
 * never schedules anything.
 */
public final class GpuSampler implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(GpuSampler.class.getName());

  private final GpuProbe probe;
  private final Duration interval;
  private final List<Consumer<List<GpuReading>>> listeners = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService executor;
  private volatile List<GpuReading> latest = List.of();
  private volatile long lastSampleNanos;
  private volatile String failure = "";

  private GpuSampler(GpuProbe probe, Duration interval) {
    this.probe = Objects.requireNonNull(probe, "probe");
    this.interval = Objects.requireNonNull(interval, "interval");
    if (!probe.available()) {
      LOG.log(System.Logger.Level.INFO, "No GPU: {0}. GPU metrics and span attributes are off.", probe.unavailableReason());
      executor = null;
      return;
    }
    LOG.log(
        System.Logger.Level.INFO,
        "NVML: " + probe.deviceCount() + " GPU(s), sampling every " + interval.toMillis() + " ms");
    sampleOnce(); // readings are there before the first job span starts
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fabstir-gpu-sampler");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(this::sampleOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Starts sampling {@code probe} every {@code interval} (nothing is started when the probe is unavailable). */
  public static GpuSampler start(GpuProbe probe, Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive: " + interval);
    }
    return new GpuSampler(probe, interval);
  }

  /** True when a GPU was found; false is the clean "no GPU" state. */
  public boolean gpuPresent() {
    return probe.available();
  }

  /** Why there is no GPU, or why the last sample failed; empty when all is well. */
  public String problem() {
    return probe.available() ? failure : probe.unavailableReason();
  }

  public int deviceCount() {
    return probe.available() ? probe.deviceCount() : 0;
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
        LOG.log(System.Logger.Level.WARNING, "GPU sampling failed: " + e.getMessage());
      }
      failure = String.valueOf(e.getMessage());
      latest = List.of();
      return;
    }
    if (!failure.isEmpty()) {
      LOG.log(System.Logger.Level.INFO, "GPU sampling recovered");
      failure = "";
    }
    latest = readings;
    lastSampleNanos = System.nanoTime();
    for (Consumer<List<GpuReading>> listener : listeners) {
      try {
        listener.accept(readings);
      } catch (RuntimeException e) {
        LOG.log(System.Logger.Level.WARNING, "GPU sample listener failed", e);
      }
    }
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    probe.close();
  }
}
