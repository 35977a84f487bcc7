package io.fabstir.shipper.sink.loki;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The indexer metrics of TEAM.md, with {@code sink="loki"}. */
final class LokiMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(LokiMetrics.class);
    static final String SINK = "loki";

    private final Counter indexed;
    private final Counter dlq;
    private final Counter retries;
    private final Histogram batchDuration;
    private final Gauge lag;

    LokiMetrics(PrometheusRegistry registry) {
        indexed = register(registry, Counter.builder().name("fabstir_indexer_records_indexed_total")
                .help("Records the sink has delivered").labelNames("sink").build());
        dlq = register(registry, Counter.builder().name("fabstir_indexer_records_dlq_total")
                .help("Records sent to the dead-letter topic").labelNames("sink").build());
        retries = register(registry, Counter.builder().name("fabstir_indexer_retries_total")
                .help("Requests to the sink retried after a rate limit, outage or error").labelNames("sink").build());
        batchDuration = register(registry, Histogram.builder().name("fabstir_indexer_batch_duration_seconds")
                .help("Time from a batch's first push to its commit").labelNames("sink")
                .classicUpperBounds(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300).build());
        lag = register(registry, Gauge.builder().name("fabstir_indexer_consumer_lag")
                .help("Records behind the end of each partition").labelNames("sink", "partition").build());
    }

    /**
     * Both sinks can run in one JVM (tests, the demo) and each owns its metric objects, so a name already taken
     * leaves this sink's copy unexported rather than failing start-up.
     */
    private static <M extends io.prometheus.metrics.model.registry.Collector> M register(PrometheusRegistry r, M m) {
        try {
            r.register(m);
        } catch (IllegalArgumentException | IllegalStateException e) {
            LOG.warn("metric already registered by another sink in this JVM, Loki's copy is not exported: {}",
                    e.getMessage());
        }
        return m;
    }

    void indexed(long n) {
        indexed.labelValues(SINK).inc(n);
    }

    void dlq(long n) {
        dlq.labelValues(SINK).inc(n);
    }

    void retry() {
        retries.labelValues(SINK).inc();
    }

    void batch(double seconds) {
        batchDuration.labelValues(SINK).observe(seconds);
    }

    void lag(int partition, long records) {
        lag.labelValues(SINK, Integer.toString(partition)).set(records);
    }

    double indexedCount() {
        return indexed.labelValues(SINK).get();
    }

    double dlqCount() {
        return dlq.labelValues(SINK).get();
    }

    double retryCount() {
        return retries.labelValues(SINK).get();
    }
}
