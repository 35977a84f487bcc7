package io.fabstir.shipper.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabstir.localservices.ElasticsearchCluster;
import io.fabstir.localservices.KafkaCluster;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.templates.TemplateInstaller;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Clusters that lose members: three Kafka brokers with a dedicated controller (replication 3,
 * {@code min.insync.replicas=2}, every broker behind a proxy that can cut it off) and three Elasticsearch nodes (one
 * replica per shard), started together once for the scenarios that share them and closed by {@link #close()}.
 *
 * <p>The edge and the indexer run with the delivery settings of the configurations the packages ship
 * ({@code edge.yaml}'s {@code kafka.producer}, {@code central.yaml}'s {@code kafka.properties} and daily-index
 * shape, {@code templates.yaml}'s templates, all three Elasticsearch nodes as hosts), read from the files
 * themselves, so a change there is what these scenarios test. Only what is deployment-specific (addresses, TLS and
 * credentials, topic and index names) differs: the listeners are open here to keep two cores free for the work.
 */
final class ClusterServices extends Services {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static ClusterServices instance;

    final KafkaCluster kafka;
    final ElasticsearchCluster es;
    private final Path root;
    private final JsonNode edge;
    private final JsonNode central;

    private ClusterServices(Path root, KafkaCluster kafka, ElasticsearchCluster es) throws IOException {
        // node-1 answers the suite's counts; scenarios kill node-2 or node-3, so the counting never stalls.
        super(new EsProbe(es.urls().get(0)));
        this.root = root;
        this.kafka = kafka;
        this.es = es;
        Path shipper = FaultSettings.moduleDir().getParent();
        this.edge = YAML.readTree(shipper.resolve("edge/src/pkg/etc/edge.yaml").toFile());
        this.central = YAML.readTree(shipper.resolve("central/src/pkg/etc/central.yaml").toFile());
        JsonNode templates = YAML.readTree(shipper.resolve("central/src/pkg/etc/templates.yaml").toFile())
                .path("elasticsearch");
        TemplateInstaller.builder().client(probe.client()).shards(templates.path("shards").asInt(1))
                .replicas(templates.path("replicas").asInt(1)).build().install();
    }

    /** The clusters, started on first use (both at once: about a minute on two cores). */
    static synchronized ClusterServices get() {
        if (instance == null) {
            try {
                Path root = Files.createTempDirectory("fabstir-fault-clusters-");
                CompletableFuture<ElasticsearchCluster> es = CompletableFuture.supplyAsync(
                        () -> ElasticsearchCluster.builder().dir(root.resolve("es")).start());
                KafkaCluster kafka;
                try {
                    kafka = KafkaCluster.builder().dir(root.resolve("kafka")).start();
                } catch (RuntimeException e) {
                    es.thenAccept(ElasticsearchCluster::close);
                    throw e;
                }
                try {
                    instance = new ClusterServices(root, kafka, es.join());
                } catch (RuntimeException | IOException e) {
                    kafka.close();
                    es.thenAccept(ElasticsearchCluster::close);
                    throw e;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return instance;
    }

    /** Stops both clusters (the scenarios' class is done with them; they hold several GB). */
    static synchronized void closeIfStarted() {
        if (instance != null) {
            instance.close();
            instance = null;
        }
    }

    @Override
    String bootstrap() {
        return kafka.bootstrapServers();
    }

    @Override
    List<String> esUrls() {
        return es.urls();
    }

    @Override
    void createTopic(String name, int partitions) {
        kafka.createTopic(name, partitions);
    }

    /** {@code edge.yaml}'s {@code kafka.producer}, as flags. */
    @Override
    List<String> tailArgs() {
        List<String> args = new ArrayList<>();
        edge.path("kafka").path("producer").fields().forEachRemaining(e -> args.addAll(
                List.of("--producer-prop", e.getKey() + "=" + e.getValue().asText())));
        return args;
    }

    /** {@code central.yaml}'s {@code kafka.properties} and the shape of its daily indices, as flags. */
    @Override
    List<String> indexArgs() {
        List<String> args = new ArrayList<>();
        central.path("kafka").path("properties").fields().forEachRemaining(e -> args.addAll(
                List.of("--kafka-property", e.getKey() + "=" + e.getValue().asText())));
        JsonNode es = central.path("elasticsearch");
        args.addAll(List.of("--shards", es.path("shards").asText("1"), "--replicas", es.path("replicas").asText("1")));
        return args;
    }

    /** The delivery settings the edge runs with here (for the report). */
    String edgeDelivery() {
        return edge.path("kafka").path("producer").toString();
    }

    @Override
    void killBroker() {
        throw new UnsupportedOperationException("a cluster scenario names the broker: kafka.kill(id)");
    }

    @Override
    void startBroker() {
        throw new UnsupportedOperationException("a cluster scenario names the broker: kafka.start(id)");
    }

    /** Heals every broker, starts any that is down, starts any Elasticsearch node that is down. */
    @Override
    void ensureUp() {
        for (int id : kafka.brokerIds()) {
            kafka.heal(id);
            if (!kafka.isRunning(id)) {
                kafka.start(id);
            }
        }
        for (int i = 1; i <= es.urls().size(); i++) {
            if (!es.node(i).isRunning()) {
                es.start(i);
            }
        }
    }

    /** The node (2 or 3: node-1 answers the suite's counts) holding the most primaries of {@code index}. */
    int nodeWithPrimariesOf(String index) throws IOException, InterruptedException {
        JsonNode shards = probe.get("/_cat/shards/" + index + "?format=json&h=prirep,node,state");
        int best = 2;
        int most = -1;
        for (int i = 2; i <= es.urls().size(); i++) {
            int n = 0;
            for (JsonNode s : shards) {
                if (s.path("prirep").asText().equals("p") && s.path("node").asText().equals("node-" + i)) {
                    n++;
                }
            }
            if (n > most) {
                most = n;
                best = i;
            }
        }
        return best;
    }

    /** Waits until every shard of every index has its replica again. */
    void awaitGreen(Duration timeout) {
        es.awaitStatus("green", timeout);
    }

    private void close() {
        try {
            probe.close();
        } catch (IOException ignored) {
            // shutting down
        }
        CompletableFuture<Void> esStop = CompletableFuture.runAsync(es::close);
        kafka.close();
        esStop.join();
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // temp dir; best effort
        }
    }
}
