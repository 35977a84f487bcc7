package io.fabstir.shipper.fault;

import io.fabstir.localservices.LocalElasticsearch;
import io.fabstir.localservices.LocalKafka;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.templates.TemplateInstaller;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The real services the fault suite attacks, one set per test JVM: a Kafka broker in a child JVM of its own (so it
 * can be SIGKILLed and restarted on the same log directory and ports) and the kit's shared Elasticsearch (stopped
 * and restarted by the outage scenario), with the index templates installed once.
 */
final class FaultServices extends Services {
    private static FaultServices instance;

    final LocalKafka kafka;
    final LocalElasticsearch es;
    private final Path root;

    private FaultServices(Path root, LocalKafka kafka, LocalElasticsearch es) throws IOException {
        super(new EsProbe(es.url()));
        this.root = root;
        this.kafka = kafka;
        this.es = es;
        TemplateInstaller.builder().client(probe.client()).replicas(0).build().install();
    }

    static synchronized FaultServices get() {
        if (instance == null) {
            try {
                Path root = Files.createTempDirectory("fabstir-fault-");
                LocalKafka kafka = LocalKafka.builder().dir(root.resolve("kafka")).childProcess(true).childHeap("384m")
                        .start();
                instance = new FaultServices(root, kafka, SharedServices.elasticsearch());
                Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "fault-services-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    @Override
    String bootstrap() {
        return kafka.bootstrapServers();
    }

    @Override
    List<String> esUrls() {
        return List.of(es.url());
    }

    @Override
    void createTopic(String name, int partitions) {
        kafka.createTopic(name, partitions);
    }

    @Override
    List<String> tailArgs() {
        return List.of();
    }

    /** One node: no replicas; short sessions, so a killed indexer's partitions move within seconds. */
    @Override
    List<String> indexArgs() {
        return List.of("--replicas", "0", "--kafka-property", "session.timeout.ms=6000",
                "--kafka-property", "heartbeat.interval.ms=1000");
    }

    @Override
    void killBroker() {
        kafka.kill();
    }

    @Override
    void startBroker() {
        kafka.start();
    }

    /** Brings a killed broker or a stopped Elasticsearch back (no-op when they run). */
    @Override
    void ensureUp() {
        kafka.start();
        try {
            es.start();
        } catch (UnsupportedOperationException external) {
            // an existing cluster (FABSTIR_ES_URL) is not ours to restart
        }
    }

    /** Whether Elasticsearch is ours to stop and start (not an existing cluster given by FABSTIR_ES_URL). */
    boolean esIsLocal() {
        try {
            es.start();
            return true;
        } catch (UnsupportedOperationException external) {
            return false;
        }
    }

    private void close() {
        try {
            probe.close();
        } catch (IOException ignored) {
            // shutting down
        }
        kafka.close();
        try (var files = Files.walk(root)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp dir; best effort
        }
    }
}
