package io.fabstir.shipper.fault;

import io.fabstir.localservices.LocalElasticsearch;
import io.fabstir.localservices.LocalKafka;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.templates.TemplateInstaller;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real services the fault suite attacks, one set per test JVM: a Kafka broker in a child JVM of its own (so it
 * can be SIGKILLed and restarted on the same log directory and ports) and the kit's shared Elasticsearch (stopped
 * and restarted by the outage scenario), with the index templates installed once.
 */
final class FaultServices {
    private static FaultServices instance;

    final LocalKafka kafka;
    final LocalElasticsearch es;
    final EsProbe probe;
    private final Path root;

    private FaultServices(Path root) throws IOException {
        this.root = root;
        this.kafka = LocalKafka.builder().dir(root.resolve("kafka")).childProcess(true).childHeap("384m").start();
        this.es = SharedServices.elasticsearch();
        this.probe = new EsProbe(es.url());
        TemplateInstaller.builder().client(probe.client()).replicas(0).build().install();
    }

    static synchronized FaultServices get() {
        if (instance == null) {
            try {
                Path root = Files.createTempDirectory("fabstir-fault-");
                instance = new FaultServices(root);
                Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "fault-services-stop"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Brings a killed broker or a stopped Elasticsearch back (no-op when they run). */
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

    String bootstrap() {
        return kafka.bootstrapServers();
    }

    /**
     * Descendants of this JVM that run a shipper (tail, index, Loki sink), whoever started them; the services (the
     * broker JVM, Elasticsearch) are not among them.
     */
    static java.util.List<ProcessHandle> shipperDescendants() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(a -> java.util.Arrays.stream(a)
                        .anyMatch(x -> x.startsWith("io.fabstir.shipper.harness."))).orElse(false))
                .toList();
    }

    /** Whether {@code group} has committed every record of {@code topic} (nothing left to redeliver). */
    boolean caughtUp(String group, String topic) {
        Map<String, Object> p = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                    .partitions().forEach(pi -> ask.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
            var ends = admin.listOffsets(ask).all().get(10, TimeUnit.SECONDS);
            return ends.entrySet().stream().allMatch(e -> {
                OffsetAndMetadata c = committed.get(e.getKey());
                return e.getValue().offset() == 0 || (c != null && c.offset() >= e.getValue().offset());
            });
        } catch (Exception e) {
            return false; // broker restarting, group coordinator moving: ask again later
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
