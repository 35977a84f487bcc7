package io.fabstir.shipper.sink;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.Map;
import java.util.WeakHashMap;

/**
 * The indexer's metrics, labelled by {@code sink}: the one class that registers these names, once per registry, so
 * every sink in a JVM (the demo, tests, one process running several loops) is exported under its own label.
 */
public final class SinkMetrics {
    private static final Map<PrometheusRegistry, Collectors> BY_REGISTRY = new WeakHashMap<>();

    private final Collectors c;
    private final String sink;

    private SinkMetrics(Collectors c, String sink) {
        this.c = c;
        this.sink = sink;
    }

    /** The metrics of {@code sink} in {@code registry}; the collectors are registered on the first call. */
    public static SinkMetrics of(PrometheusRegistry registry, String sink) {
        Collectors c;
        synchronized (BY_REGISTRY) {
            c = BY_REGISTRY.computeIfAbsent(registry, Collectors::new);
        }
        return new SinkMetrics(c, sink);
    }

    public String sink() {
        return sink;
    }

    /** Records durably stored by the sink (including ones already there). */
    public void indexed(long n) {
        c.indexed.labelValues(sink).inc(n);
    }

    /** Records dead-lettered on the sink's behalf. */
    public void dlq(long n) {
        c.dlq.labelValues(sink).inc(n);
    }

    /** One request (or a DLQ write, a commit) retried after a rate limit, an outage or a server error. */
    public void retry() {
        c.retries.labelValues(sink).inc();
    }

    /** How long one batch request to the destination took, retries included. */
    public void batch(double seconds) {
        c.batch.labelValues(sink).observe(seconds);
    }

    /**
     * A record whose identity the transform corrected: {@code claimed_other_node} (its own {@code fabstir.node_id}
     * named another node than its topic's) or {@code contract_from_node} (a contract event from a node's topic).
     * Counted per read, so a re-delivery after a crash counts again.
     */
    public void identityFlag(String node, String flag) {
        switch (flag) {
            case "claimed_other_node" -> c.nodeIdClaims.labelValues(sink, node).inc();
            case "contract_from_node" -> c.contractClaims.labelValues(sink, node).inc();
            default -> { }
        }
    }

    /** A different record stored under a distinct id because its node had already used its event id (once each). */
    public void reusedEventId(String node) {
        c.reusedEventIds.labelValues(sink, node).inc();
    }

    public void lag(int partition, long records) {
        c.lag.labelValues(sink, Integer.toString(partition)).set(records);
    }

    private static final class Collectors {
        final Counter indexed;
        final Counter dlq;
        final Counter retries;
        final Histogram batch;
        final Gauge lag;
        final Counter nodeIdClaims;
        final Counter contractClaims;
        final Counter reusedEventIds;

        Collectors(PrometheusRegistry r) {
            indexed = Counter.builder().name("fabstir_indexer_records_indexed_total")
                    .help("Records durably stored by the sink (including ones already there)").labelNames("sink")
                    .register(r);
            dlq = Counter.builder().name("fabstir_indexer_records_dlq_total")
                    .help("Records dead-lettered for the sink (DLQ topic, and the sink's own DLQ store if any)")
                    .labelNames("sink").register(r);
            retries = Counter.builder().name("fabstir_indexer_retries_total")
                    .help("Requests to the sink, or DLQ writes, retried after a rate limit, outage or error")
                    .labelNames("sink").register(r);
            batch = Histogram.builder().name("fabstir_indexer_batch_duration_seconds")
                    .help("Duration of one batch request to the sink (bulk or push), retries included")
                    .labelNames("sink")
                    .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
                    .register(r);
            lag = Gauge.builder().name("fabstir_indexer_consumer_lag")
                    .help("Records behind the end of each partition (per-node topics: summed over the topics by "
                            + "partition number)").labelNames("sink", "partition").register(r);
            nodeIdClaims = Counter.builder().name("fabstir_indexer_node_id_claims_total")
                    .help("Records whose own fabstir.node_id named another node than the topic they were read from: "
                            + "stored as the topic's node, the claim kept in fabstir.claimed_node_id")
                    .labelNames("sink", "node_id").register(r);
            contractClaims = Counter.builder().name("fabstir_indexer_contract_claims_total")
                    .help("Contract-event records read from a node's topic instead of the chain monitor's: stored as "
                            + "fabstir.app, the claim kept in fabstir.claimed_dataset")
                    .labelNames("sink", "node_id").register(r);
            reusedEventIds = Counter.builder().name("fabstir_indexer_reused_event_ids_total")
                    .help("Different records stored under a distinct _id because their node had already used their "
                            + "event.id (flagged reused_event_id)")
                    .labelNames("sink", "node_id").register(r);
        }
    }
}
