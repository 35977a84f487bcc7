package io.fabstir.otel.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.function.ToLongFunction;

/**
 * Heap and GC metrics for library mode, where the agent's runtime metrics are absent. Memory uses the agent's names
 * and attributes ({@code jvm.memory.used/committed/limit{jvm.memory.type,jvm.memory.pool.name}}), so
 * {@code FabstirHighMemoryUsage} and the dashboard work in both modes; GC time and count come from the collectors'
 * MXBeans as {@code fabstir_jvm_gc_pause_seconds_total{gc}} and {@code fabstir_jvm_gc_collections_total{gc}} (the
 * agent's {@code jvm.gc.duration} is a per-pause histogram these beans cannot give).
 */
final class JvmMetrics {

  private static final AttributeKey<String> TYPE = AttributeKey.stringKey("jvm.memory.type");
  private static final AttributeKey<String> POOL = AttributeKey.stringKey("jvm.memory.pool.name");
  private static final AttributeKey<String> GC = AttributeKey.stringKey("gc");

  private JvmMetrics() {}

  static void register(OpenTelemetry openTelemetry) {
    Meter meter = openTelemetry.getMeter("io.fabstir.otel.jvm");
    pools(meter, "jvm.memory.used", "Memory in use, by pool.", MemoryUsage::getUsed);
    pools(meter, "jvm.memory.committed", "Memory committed, by pool.", MemoryUsage::getCommitted);
    pools(meter, "jvm.memory.limit", "Maximum memory of a pool, where it has one.", MemoryUsage::getMax);
    meter
        .counterBuilder("fabstir_jvm_gc_pause_seconds_total")
        .ofDoubles()
        .setDescription("Time spent in garbage collection, by collector.")
        .setUnit("")
        .buildWithCallback(
            m -> {
              for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc.getCollectionTime() >= 0) {
                  m.record(gc.getCollectionTime() / 1000.0, Attributes.of(GC, gc.getName()));
                }
              }
            });
    meter
        .counterBuilder("fabstir_jvm_gc_collections_total")
        .setDescription("Garbage collections, by collector.")
        .setUnit("")
        .buildWithCallback(
            m -> {
              for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc.getCollectionCount() >= 0) {
                  m.record(gc.getCollectionCount(), Attributes.of(GC, gc.getName()));
                }
              }
            });
  }

  private static void pools(Meter meter, String name, String description, ToLongFunction<MemoryUsage> value) {
    meter
        .upDownCounterBuilder(name)
        .setDescription(description)
        .setUnit("By")
        .buildWithCallback(
            m -> {
              for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                MemoryUsage usage = pool.getUsage();
                long v = usage == null ? -1 : value.applyAsLong(usage);
                if (v >= 0) { // a pool without a limit reports none, as the agent does
                  String type = pool.getType() == MemoryType.HEAP ? "heap" : "non_heap";
                  m.record(v, Attributes.of(TYPE, type, POOL, pool.getName()));
                }
              }
            });
  }
}
