package io.fabstir.shipper.demo;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.fabstir.enrichers.EnricherChain;
import io.fabstir.enrichers.redact.Redactor;
import io.fabstir.shipper.config.EdgeConfig;
import io.fabstir.shipper.identity.NodeTopics;
import io.fabstir.shipper.index.IndexLoop;
import io.fabstir.shipper.kafka.KafkaRecordSink;
import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.metrics.ShipperMetrics;
import io.fabstir.shipper.security.KafkaClientSecurity;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchSink;
import io.fabstir.shipper.tail.Tailer;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The shipper's two halves in this JVM, built the way {@code tail} and {@code index} build them: the edge
 * {@link Tailer} (files → Kafka, enriched) and the central {@link IndexLoop} with the Elasticsearch sink. Their
 * progress is read from the same Prometheus counters {@code /metrics} serves.
 */
final class Pipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    static final String TOPIC = "fabstir.logs";
    static final String GROUP = "fabstir-demo-indexer";

    /** One edge: its tailer, its producer and its thread. */
    private record Edge(Tailer tailer, KafkaRecordSink sink, Thread thread) {
    }

    private final List<Edge> edges = new ArrayList<>();
    private IndexLoop loop;
    private Thread indexThread;

    /** Shipped (acknowledged by Kafka), indexed (stored in Elasticsearch) and dead-lettered record counts. */
    record Counts(long shipped, long indexed, long deadLettered) {
    }

    synchronized void startTail(String bootstrapServers, String nodeId, Path logDir, Path checkpoint) {
        startTail(bootstrapServers, nodeId, logDir, checkpoint, TOPIC, KafkaClientSecurity.none());
    }

    /** A tail of {@code logDir} as {@code nodeId}, authenticating to Kafka as {@code security} says. */
    synchronized void startTail(String bootstrapServers, String nodeId, Path logDir, Path checkpoint, String topic,
                                KafkaClientSecurity security) {
        EdgeConfig cfg = EdgeConfig.builder()
                .nodeId(nodeId).environment("demo")
                .path(logDir.resolve("*.json").toString())
                .checkpointFile(checkpoint)
                .bootstrapServers(bootstrapServers).topic(topic).kafkaSecurity(security)
                // A quicker beat than the production defaults, so a short demo shows its first record sooner.
                .scanInterval(Duration.ofMillis(250)).pollInterval(Duration.ofMillis(50))
                .checkpointInterval(Duration.ofMillis(500))
                .build();
        EnricherChain chain = EnricherChain.builder()
                .formats(cfg.formatMapper(ShipperMetrics.get()::recordMapped))
                .hostName(cfg.hostName()).nodeId(cfg.nodeId()).environment(cfg.environment())
                .redactor(Redactor.defaults())
                .build();
        KafkaRecordSink sink = KafkaRecordSink.create(cfg);
        if (security.authenticated()) {
            String unreachable = sink.verify(); // a refused credential throws, naming the setting
            if (unreachable != null) {
                log.warn("tail {}: Kafka not reachable yet: {}", nodeId, unreachable);
            }
        }
        Tailer tailer = Tailer.create(cfg, chain, sink, ShipperMetrics.get());
        Thread thread = new Thread(() -> {
            try {
                tailer.run();
            } catch (IOException | RuntimeException e) {
                log.error("tail stopped: {}", e.toString(), e);
            }
        }, "demo-tail-" + nodeId);
        thread.start();
        edges.add(new Edge(tailer, sink, thread));
    }

    synchronized void startIndex(String bootstrapServers, ElasticsearchClient client) {
        startIndex(bootstrapServers, client, null, Map.of());
    }

    /**
     * The indexer; with {@code nodeTopics} it reads every node's own topic (and the chain monitor's) and takes each
     * record's node from its topic; {@code kafkaProperties} carry its credentials.
     */
    synchronized void startIndex(String bootstrapServers, ElasticsearchClient client, NodeTopics nodeTopics,
                                 Map<String, String> kafkaProperties) {
        IndexLoop.Builder b = IndexLoop.builder()
                .bootstrapServers(bootstrapServers)
                .groupId(GROUP)
                .kafkaProperties(kafkaProperties)
                .registry(MetricsEndpoint.registry())
                .sink(ElasticsearchSink.builder().client(client).flushInterval(Duration.ofMillis(200))
                        .registry(MetricsEndpoint.registry()).build());
        if (nodeTopics != null) {
            b.nodeTopics(nodeTopics);
        } else {
            b.topic(TOPIC);
        }
        loop = b.build();
        indexThread = new Thread(loop, "demo-index");
        indexThread.start();
    }

    Counts counts() {
        long shipped = 0;
        long indexed = 0;
        long dlq = 0;
        for (MetricSnapshot s : MetricsEndpoint.registry().scrape()) {
            if (s instanceof CounterSnapshot c) {
                long sum = 0;
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    sum += (long) p.getValue();
                }
                switch (baseName(c.getMetadata().getPrometheusName())) {
                    case "fabstir_shipper_records_sent" -> shipped = sum;
                    case "fabstir_indexer_records_indexed" -> indexed = sum;
                    case "fabstir_indexer_records_dlq" -> dlq = sum;
                    default -> { }
                }
            }
        }
        return new Counts(shipped, indexed, dlq);
    }

    private static String baseName(String name) {
        return name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
    }

    /** Stops the tails first (they flush to Kafka and write their checkpoints), then the indexer (it drains and commits). */
    @Override
    public synchronized void close() {
        edges.forEach(e -> e.tailer().stop());
        for (Edge e : edges) {
            try {
                e.tailer().awaitFinished(20, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
            e.sink().close(Duration.ofSeconds(2));
        }
        if (loop != null) {
            loop.close();
            loop = null;
        }
        edges.forEach(e -> join(e.thread()));
        edges.clear();
        join(indexThread);
    }

    private static void join(Thread t) {
        if (t != null) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
