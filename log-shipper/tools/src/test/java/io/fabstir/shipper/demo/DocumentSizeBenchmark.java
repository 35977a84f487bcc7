package io.fabstir.shipper.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.localservices.ElasticsearchCluster;
import io.fabstir.localservices.LocalKafka;
import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.fabstir.templates.TemplateInstaller;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Bytes on disk per stored document, for the capacity model (docs/capacity.md), at the seed's volumes: {@code nodes}
 * example nodes (the demo's node, 3 simulated GPUs each, under the agent, each with its own seed) write for
 * {@code duration}; each node's files are shipped by its own {@code tail} (as the demo builds it) into Kafka, and one
 * {@code index} loop stores them in a 2-node Elasticsearch cluster with the shipped templates (templates.yaml: 2
 * shards, 1 replica). When every line is stored, the daily indices are force-merged to one segment per shard and
 * {@code _cat/indices} gives the store size of the primaries (one copy) and of all copies (with the replica); the
 * topic's log segments give Kafka's bytes per record (one copy, as the edges' lz4 batches left them).
 * Not a test: a harness (the demo's package, for its node launcher and pipeline).
 *
 * <pre>
 * mvn -B -ntp -pl log-shipper/tools,examples,otel-agent -am install -DskipTests   # with the node and agent jars
 * mvn -B -ntp -q -pl log-shipper/tools dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=$PWD/size.cp
 * java -cp log-shipper/tools/target/test-classes:log-shipper/tools/target/classes:$(cat size.cp) \
 *     io.fabstir.shipper.demo.DocumentSizeBenchmark 6 8m
 * </pre>
 */
public final class DocumentSizeBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private DocumentSizeBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 6;
        Duration duration = args.length > 1 ? parse(args[1]) : Duration.ofMinutes(8);
        Path root = Files.createTempDirectory("fabstir-docsize-");
        Artifacts jars = Artifacts.locate(null, null, Path.of(""), Artifacts.shipperCode());
        try (LocalKafka kafka = LocalKafka.inProcess(root.resolve("kafka"));
             ElasticsearchCluster es = ElasticsearchCluster.builder().dir(root.resolve("es")).nodes(2).start();
             EsConnection connection = EsConnection.builder().hosts(es.urls()).build()) {
            String url = es.urls().get(0);
            TemplateInstaller.builder().client(connection.client()).shards(2).replicas(1).build().install();
            kafka.createTopic(Pipeline.TOPIC, 3);
            Pipeline index = new Pipeline();
            index.startIndex(kafka.bootstrapServers(), connection.client());
            List<Pipeline> tails = new ArrayList<>();
            List<NodeProcess> running = new ArrayList<>();
            List<Path> logDirs = new ArrayList<>();
            long t0 = System.nanoTime();
            for (int i = 1; i <= nodes; i++) {
                Path dir = Files.createDirectories(root.resolve("node-" + i));
                Path logs = Files.createDirectories(dir.resolve("logs"));
                logDirs.add(logs);
                Pipeline tail = new Pipeline();
                tail.startTail(kafka.bootstrapServers(), "node-" + i, logs, dir.resolve("checkpoint.json"));
                tails.add(tail);
                running.add(NodeProcess.start(jars, dir, nodeProperties("node-" + i, logs),
                        List.of("--duration", duration.toMillis() + "ms", "--seed", Long.toString(1000L + i))));
            }
            for (NodeProcess n : running) {
                if (!n.waitFor(duration.plusMinutes(2))) {
                    throw new IllegalStateException("a node did not finish: " + n.tail(20));
                }
            }
            long lines = 0;
            long lineBytes = 0;
            for (Path logs : logDirs) {
                try (Stream<Path> files = Files.list(logs)) {
                    for (Path f : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                        lineBytes += Files.size(f);
                        try (Stream<String> l = Files.lines(f)) {
                            lines += l.filter(s -> !s.isBlank()).count();
                        }
                    }
                }
            }
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            Pipeline.Counts c = index.counts();
            while (c.indexed() + c.deadLettered() < lines && System.nanoTime() < deadline) {
                Thread.sleep(1000);
                c = index.counts();
            }
            long written = System.nanoTime() - t0;
            for (Pipeline t : tails) {
                t.close();
            }
            index.close();
            es.awaitStatus("green", Duration.ofMinutes(5));
            send("POST", url + "/fabstir-logs-*/_refresh");
            send("POST", url + "/fabstir-logs-*/_forcemerge?max_num_segments=1");
            es.awaitStatus("green", Duration.ofMinutes(5));
            JsonNode indices = send("GET", url + "/_cat/indices/fabstir-logs-*?format=json&bytes=b"
                    + "&h=index,pri,rep,docs.count,pri.store.size,store.size");
            JsonNode segments = send("GET", url + "/_cat/segments/fabstir-logs-*?format=json&h=index,shard,prirep");
            long bytesSent = Math.round(counter("fabstir_shipper_bytes_sent"));
            long kafkaLog = 0;
            try (Stream<Path> files = Files.walk(root.resolve("kafka"))) {
                for (Path f : files.filter(f -> f.getParent().getFileName().toString().startsWith(Pipeline.TOPIC + "-")
                        && f.toString().endsWith(".log")).toList()) {
                    kafkaLog += Files.size(f);
                }
            }
            print(nodes, duration, written, lines, lineBytes, c, bytesSent, kafkaLog, indices, segments.size(), es);
        }
    }

    private static void print(int nodes, Duration duration, long nanos, long lines, long lineBytes, Pipeline.Counts c,
                              long kafkaBytes, long kafkaLog, JsonNode indices, int segments, ElasticsearchCluster es) {
        long docs = 0;
        long primary = 0;
        long total = 0;
        for (JsonNode i : indices) {
            if (i.path("index").asText().startsWith("fabstir-logs-dlq-")) {
                continue;
            }
            docs += i.path("docs.count").asLong();
            primary += i.path("pri.store.size").asLong();
            total += i.path("store.size").asLong();
        }
        System.out.printf(Locale.ROOT, "%d example nodes × %s: %,d lines written (%.0f bytes/line on disk), %,d "
                        + "shipped (%.0f bytes/Kafka value), %,d indexed, %,d dead-lettered, in %.0f s%n",
                nodes, duration, lines, (double) lineBytes / lines, c.shipped(), (double) kafkaBytes / c.shipped(),
                c.indexed(), c.deadLettered(), nanos / 1e9);
        System.out.printf(Locale.ROOT, "Kafka log segments of %s (one copy, the edge's lz4 batches): %,d bytes, %.0f "
                + "bytes/record%n", Pipeline.TOPIC, kafkaLog, (double) kafkaLog / c.shipped());
        System.out.printf(Locale.ROOT, "Elasticsearch %s, 2 nodes; after _forcemerge?max_num_segments=1: %d segments%n",
                es.node(1).version(), segments);
        System.out.println("| index | shards × copies | docs | primaries, bytes | all copies, bytes |");
        System.out.println("|---|---|---:|---:|---:|");
        for (JsonNode i : indices) {
            System.out.printf(Locale.ROOT, "| %s | %s × %d | %,d | %,d | %,d |%n", i.path("index").asText(),
                    i.path("pri").asText(), 1 + i.path("rep").asInt(), i.path("docs.count").asLong(),
                    i.path("pri.store.size").asLong(), i.path("store.size").asLong());
        }
        System.out.printf(Locale.ROOT, "bytes per document: %.0f one copy (primaries), %.0f with the replica (all "
                + "copies)%n", (double) primary / docs, (double) total / docs);
    }

    /** A counter of this JVM's registry (the tails' and the indexer's), summed over its labels. */
    private static double counter(String name) {
        double sum = 0;
        for (MetricSnapshot s : MetricsEndpoint.registry().scrape()) {
            String n = s.getMetadata().getPrometheusName();
            if (s instanceof CounterSnapshot cs && (n.equals(name) || n.equals(name + "_total"))) {
                for (CounterSnapshot.CounterDataPointSnapshot p : cs.getDataPoints()) {
                    sum += p.getValue();
                }
            }
        }
        return sum;
    }

    private static Map<String, String> nodeProperties(String nodeId, Path logs) throws IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("otel.service.name", "fabstir-example-node");
        p.put("otel.traces.exporter", "none");
        p.put("otel.metrics.exporter", "none");
        p.put("fabstir.node.id", nodeId);
        p.put("fabstir.environment", "demo");
        p.put("fabstir.http.host", "127.0.0.1");
        p.put("fabstir.http.port", Integer.toString(Demo.freePort()));
        p.put("fabstir.log.dir", logs.toString());
        return p;
    }

    private static JsonNode send(String method, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IOException(method + " " + url + ": " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static Duration parse(String s) {
        return s.endsWith("m") ? Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)))
                : Duration.ofSeconds(Long.parseLong(s.replace("s", "")));
    }
}
