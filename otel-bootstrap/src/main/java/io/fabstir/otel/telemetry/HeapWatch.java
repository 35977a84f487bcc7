package io.fabstir.otel.telemetry;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The troubleshooting guide's memory warning: one WARN record (logger {@code fabstir.memory}) each time heap use
 * crosses {@code fabstir.memory.heap.warn} upwards, re-armed once it is back below. The threshold is a size
 * ({@code 1g}, {@code 512m}) or a share of the maximum heap ({@code 90%}); by default whichever of 1 GiB and 90 % of
 * the maximum comes first. The heap gauges themselves are the agent's runtime metrics ({@code jvm_memory_used},
 * {@code jvm_memory_committed}, {@code jvm_memory_limit}, {@code jvm_gc_duration}); this only adds the record.
 */
final class HeapWatch implements AutoCloseable {

  static final String SETTING = "fabstir.memory.heap.warn";
  private static final long GIB = 1L << 30;
  private static final Logger LOG = LoggerFactory.getLogger("fabstir.memory");

  private final long thresholdBytes;
  private final String thresholdText;
  private boolean above;
  private ScheduledExecutorService timer;

  HeapWatch(String setting, long maxHeapBytes) {
    long max = maxHeapBytes > 0 ? maxHeapBytes : Long.MAX_VALUE;
    if (setting == null || setting.isBlank()) {
      thresholdBytes = Math.min(GIB, (long) (max * 0.9));
      thresholdText = "min(1 GiB, 90 % of the maximum heap)";
    } else {
      String s = setting.strip().toLowerCase(Locale.ROOT);
      thresholdText = SETTING + "=" + setting.strip();
      try {
        if (s.endsWith("%")) {
          thresholdBytes = (long) (max * Double.parseDouble(s.substring(0, s.length() - 1)) / 100.0);
        } else {
          long unit = switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> GIB;
            default -> 1L;
          };
          String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
          thresholdBytes = Long.parseLong(digits) * unit;
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            SETTING + ": '" + setting + "' is neither a size (1g, 512m) nor a share of the heap (90%)");
      }
    }
  }

  static HeapWatch start() {
    String setting = System.getProperty(SETTING, System.getenv("FABSTIR_MEMORY_HEAP_WARN"));
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    HeapWatch watch = new HeapWatch(setting, heap.getMax());
    LongSupplier used = () -> ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    watch.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fabstir-heap-watch");
              t.setDaemon(true);
              return t;
            });
    watch.timer.scheduleAtFixedRate(() -> watch.check(used.getAsLong()), 15, 15, TimeUnit.SECONDS);
    return watch;
  }

  long thresholdBytes() {
    return thresholdBytes;
  }

  /** True when this reading crossed the threshold upwards (and the WARN was written). */
  synchronized boolean check(long usedBytes) {
    boolean nowAbove = usedBytes >= thresholdBytes;
    boolean crossed = nowAbove && !above;
    above = nowAbove;
    if (crossed) {
      LOG.warn(
          "JVM heap use {} MiB passed the warning threshold {} MiB ({}); see jvm_memory_used and FabstirHighMemoryUsage",
          usedBytes >> 20,
          thresholdBytes >> 20,
          thresholdText);
    }
    return crossed;
  }

  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
    }
  }
}
