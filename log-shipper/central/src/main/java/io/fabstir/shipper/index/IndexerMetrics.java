package io.fabstir.shipper.index;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indexer's metrics with the names agreed in TEAM.md, label {@code sink="elasticsearch"}. Kept here until the
 * shipper has a shared metrics holder.
 */
final class IndexerMetrics {
    private static final Logger log = LoggerFactory.getLogger(IndexerMetrics.class);
    static final String SINK = "elasticsearch";

    private final Counter indexed;
    private final Counter dlq;
    private final Counter retries;
    private final Histogram batch;
    private final Gauge lag;

    IndexerMetrics(PrometheusRegistry registry) {
        indexed = register(registry, Counter.builder().name("fabstir_indexer_records_indexed_total")
                .help("Records durably stored by the sink (including ones already there)").labelNames("sink").build());
        dlq = register(registry, Counter.builder().name("fabstir_indexer_records_dlq_total")
                .help("Records sent to the dead-letter topic and index").labelNames("sink").build());
        retries = register(registry, Counter.builder().name("fabstir_indexer_retries_total")
                .help("Documents re-sent after 429, 5xx or a connection failure").labelNames("sink").build());
        batch = register(registry, Histogram.builder().name("fabstir_indexer_batch_duration_seconds")
                .help("Duration of one bulk request").labelNames("sink")
                .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60).build());
        lag = register(registry, Gauge.builder().name("fabstir_indexer_consumer_lag")
                .help("Records behind the end of each partition").labelNames("sink", "partition").build());
    }

    private static <M extends Collector> M register(PrometheusRegistry registry, M metric) {
        try {
            registry.register(metric);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Another sink (or a second loop) in this JVM registered the name first; this copy still counts.
            log.debug("metric already registered: {}", e.getMessage());
        }
        return metric;
    }

    void indexed() {
        indexed.labelValues(SINK).inc();
    }

    void dlq() {
        dlq.labelValues(SINK).inc();
    }

    void retry() {
        retries.labelValues(SINK).inc();
    }

    void batch(double seconds) {
        batch.labelValues(SINK).observe(seconds);
    }

    void lag(int partition, long records) {
        lag.labelValues(SINK, Integer.toString(partition)).set(records);
    }
}
