package io.fabstir.localservices;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Elasticsearch cluster on loopback: {@code n} nodes (default 3, {@code node-1..node-n}, all master-eligible),
 * each a child process tree that dies with this JVM, 512 MB heap each. New indices get one replica per shard
 * (Elasticsearch's default), so every shard has a copy on another node. Open or secured
 * ({@link Builder#security}: HTTPS, transport TLS, {@code elastic}).
 *
 * <p>What a test can rely on: after {@link #kill(int)} (SIGKILL of node {@code i}) the others notice at once (the
 * transport connections reset); if the node was the elected master, a new one is elected within a few seconds;
 * replicas of its primaries are promoted, the cluster goes yellow and keeps serving reads and writes of every
 * index. {@link #start(int)} brings the node back on its data; the cluster turns green again when its copies have
 * recovered ({@link #awaitStatus}).
 */
public final class ElasticsearchCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ElasticsearchCluster.class);

    private final List<LocalElasticsearch> nodes;
    private final ElasticsearchSecurity security;
    private final HttpClient http;
    private SecureElasticsearch secure;

    private ElasticsearchCluster(List<LocalElasticsearch> nodes, ElasticsearchSecurity security) {
        this.nodes = nodes;
        this.security = security;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (security != null) b.sslContext(security.ca().sslContext());
        this.http = b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a local cluster. */
    public static final class Builder {
        private Path dir;
        private int nodes = 3;
        private String heap = "512m";
        private ElasticsearchSecurity security;

        private Builder() {}

        /** Where each node keeps its config, data and logs ({@code node-<i>/}). */
        public Builder dir(Path dir) { this.dir = dir; return this; }

        public Builder nodes(int nodes) { this.nodes = nodes; return this; }

        /** -Xms/-Xmx of each node (default 512m). */
        public Builder heap(String heap) { this.heap = heap; return this; }

        /** Security on, as {@link LocalElasticsearch.Builder#security}. */
        public Builder security(ElasticsearchSecurity security) { this.security = security; return this; }

        public ElasticsearchCluster start() {
            if (dir == null) throw new IllegalStateException("dir is required");
            if (nodes < 1) throw new IllegalArgumentException("nodes must be at least 1");
            long t0 = System.nanoTime();
            int[] ports = FreePorts.next(2 * nodes);
            List<String> names = IntStream.rangeClosed(1, nodes).mapToObj(i -> "node-" + i).toList();
            List<Integer> transport = IntStream.range(0, nodes).mapToObj(i -> ports[2 * i + 1]).toList();
            List<LocalElasticsearch> members = new ArrayList<>();
            for (int i = 0; i < nodes; i++) {
                var membership = new LocalElasticsearch.ClusterSettings("fabstir-local-cluster", names.get(i), names,
                        transport);
                members.add(LocalElasticsearch.create(dir.resolve(names.get(i)), heap, security, membership,
                        new int[] {ports[2 * i], ports[2 * i + 1]}));
            }
            ElasticsearchCluster cluster = new ElasticsearchCluster(members, security);
            try {
                // All at once: the first master needs a majority of the initial masters.
                List<Distribution> dists = members.stream().map(LocalElasticsearch::launch).toList();
                for (int i = 0; i < nodes; i++) members.get(i).awaitReady(t0, dists.get(i));
                cluster.awaitStatus("green", Duration.ofSeconds(120));
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
            log.info("Elasticsearch cluster of {} nodes{} ready at {} in {} ms", nodes,
                    security == null ? "" : " (secured)", cluster.urls(), (System.nanoTime() - t0) / 1_000_000);
            return cluster;
        }
    }

    /** Every node's address ({@code http://} or {@code https://127.0.0.1:port}), node-1 first. */
    public List<String> urls() {
        return nodes.stream().map(LocalElasticsearch::url).toList();
    }

    /** The client side of a secured cluster, talking to node-1 ({@link SecureElasticsearch#urls()} has them all). */
    public SecureElasticsearch security() {
        if (security == null) throw new IllegalStateException("this cluster is not secured (ElasticsearchCluster.Builder.security)");
        synchronized (this) {
            if (secure == null) secure = new SecureElasticsearch(urls(), security);
            return secure;
        }
    }

    /** Node {@code i} (1-based). */
    public LocalElasticsearch node(int i) {
        if (i < 1 || i > nodes.size()) throw new IllegalArgumentException("no node " + i + " (1.." + nodes.size() + ")");
        return nodes.get(i - 1);
    }

    /** SIGKILL of node {@code i}'s process tree. */
    public void kill(int i) {
        node(i).kill();
        log.info("Elasticsearch node-{} killed", i);
    }

    /** Starts node {@code i} again on its data and waits until the cluster counts every node. */
    public void start(int i) {
        node(i).start();
        awaitNodes(Duration.ofSeconds(120));
    }

    /**
     * Waits until the cluster health, asked of the first running node, is {@code status} ("green" or "yellow")
     * with every running node in it.
     */
    public void awaitStatus(String status, Duration timeout) {
        awaitHealth("wait_for_status=" + status + "&wait_for_nodes=" + runningCount(), timeout);
    }

    private void awaitNodes(Duration timeout) {
        awaitHealth("wait_for_nodes=" + runningCount(), timeout);
    }

    private long runningCount() {
        return nodes.stream().filter(LocalElasticsearch::isRunning).count();
    }

    private void awaitHealth(String query, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            LocalElasticsearch any = nodes.stream().filter(LocalElasticsearch::isRunning).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no node is running"));
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(any.url() + "/_cluster/health?" + query + "&timeout=5s"))
                    .timeout(Duration.ofSeconds(15)).GET();
            if (security != null) {
                b.header("Authorization", SecureElasticsearch.basicAuthorization(ElasticsearchSecurity.ELASTIC_USER,
                        security.elasticPassword()));
            }
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && r.body().contains("\"timed_out\":false")) return;
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            LocalKafka.sleep(250);
        }
        throw new IllegalStateException("cluster health " + query + " not reached within " + timeout + " (last: " + last + ")");
    }

    @Override
    public void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (LocalElasticsearch n : nodes) stops.add(CompletableFuture.runAsync(n::close));
        stops.forEach(CompletableFuture::join);
    }
}
