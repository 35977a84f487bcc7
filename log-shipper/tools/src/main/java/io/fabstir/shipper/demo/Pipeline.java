package io.fabstir.shipper.demo;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import io.fabstir.enrichers.EnricherChain;
import io.fabstir.enrichers.redact.Redactor;
import io.fabstir.shipper.config.EdgeConfig;
import io.fabstir.shipper.index.IndexLoop;
import io.fabstir.shipper.kafka.KafkaRecordSink;
import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.metrics.ShipperMetrics;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchSink;
import io.fabstir.shipper.tail.Tailer;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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

    private Tailer tailer;
    private KafkaRecordSink sink;
    private Thread tailThread;
    private IndexLoop loop;
    private Thread indexThread;

    /** Shipped (acknowledged by Kafka), indexed (stored in Elasticsearch) and dead-lettered record counts. */
    record Counts(long shipped, long indexed, long deadLettered) {
    }

    synchronized void startTail(String bootstrapServers, String nodeId, Path logDir, Path checkpoint) {
        EdgeConfig cfg = EdgeConfig.builder()
                .nodeId(nodeId).environment("demo")
                .path(logDir.resolve("*.json").toString())
                .checkpointFile(checkpoint)
                .bootstrapServers(bootstrapServers).topic(TOPIC)
                // A quicker beat than the production defaults, so a short demo shows its first record sooner.
                .scanInterval(Duration.ofMillis(250)).pollInterval(Duration.ofMillis(50))
                .checkpointInterval(Duration.ofMillis(500))
                .build();
        EnricherChain chain = EnricherChain.builder()
                .hostName(cfg.hostName()).nodeId(cfg.nodeId()).environment(cfg.environment())
                .redactor(Redactor.defaults())
                .build();
        sink = KafkaRecordSink.create(cfg);
        tailer = Tailer.create(cfg, chain, sink, ShipperMetrics.get());
        tailThread = new Thread(() -> {
            try {
                tailer.run();
            } catch (IOException | RuntimeException e) {
                log.error("tail stopped: {}", e.toString(), e);
            }
        }, "demo-tail");
        tailThread.start();
    }

    synchronized void startIndex(String bootstrapServers, ElasticsearchClient client) {
        loop = IndexLoop.builder()
                .bootstrapServers(bootstrapServers)
                .topic(TOPIC).groupId(GROUP)
                .registry(MetricsEndpoint.registry())
                .sink(ElasticsearchSink.builder().client(client).flushInterval(Duration.ofMillis(200))
                        .registry(MetricsEndpoint.registry()).build())
                .build();
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

    /** Stops the tail first (it flushes to Kafka and writes its checkpoint), then the indexer (it drains and commits). */
    @Override
    public synchronized void close() {
        if (tailer != null) {
            tailer.stop();
            try {
                tailer.awaitFinished(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sink.close(Duration.ofSeconds(2));
            tailer = null;
        }
        if (loop != null) {
            loop.close();
            loop = null;
        }
        join(tailThread);
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
