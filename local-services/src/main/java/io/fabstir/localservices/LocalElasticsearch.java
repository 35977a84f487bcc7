package io.fabstir.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Elasticsearch, run as a child process from the integration-test distribution zip that Maven
 * resolved into the local repository. As root it runs as the unprivileged system user {@code fabstir-es}.
 * Open (HTTP, no security) by default; with {@link Builder#security} it serves HTTPS with security on
 * ({@link #security()}). {@link ElasticsearchCluster} runs several as one cluster.
 */
public final class LocalElasticsearch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalElasticsearch.class);
    static final String ES_USER = "fabstir-es";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final Path dir;
    private final String externalUrl;
    private final String heap;
    private final ElasticsearchSecurity security;
    private final ClusterSettings cluster;
    private SecureElasticsearch secure;
    private int httpPort;
    private int transportPort;
    private Process process;
    private Path instance;
    private String version;
    private Thread hook;
    private final HttpClient http;

    /**
     * Membership of a multi-node cluster: this node's name, every node's name (the initial masters) and transport
     * port (the seeds).
     */
    record ClusterSettings(String clusterName, String nodeName, List<String> nodeNames, List<Integer> transportPorts) {}

    private LocalElasticsearch(Path dir, String externalUrl, String heap, ElasticsearchSecurity security,
                               ClusterSettings cluster) {
        this.dir = dir == null ? null : dir.toAbsolutePath();
        this.externalUrl = externalUrl;
        this.heap = heap;
        this.security = security;
        this.cluster = cluster;
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (security != null) b.sslContext(security.ca().sslContext());
        this.http = b.build();
    }

    /** Starts a node keeping its config, data and logs under {@code dir}. */
    public static LocalElasticsearch start(Path dir) {
        return start(dir, "512m");
    }

    /** As {@link #start(Path)} with the given -Xms/-Xmx. */
    public static LocalElasticsearch start(Path dir, String heap) {
        return builder().dir(dir).heap(heap).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for a local node. */
    public static final class Builder {
        private Path dir;
        private String heap = "512m";
        private ElasticsearchSecurity security;

        private Builder() {}

        /** Where its config, data and logs live (kept across restarts). */
        public Builder dir(Path dir) { this.dir = dir; return this; }

        /** -Xms/-Xmx (default 512m). */
        public Builder heap(String heap) { this.heap = heap; return this; }

        /** Security on: HTTPS, transport TLS, the {@code elastic} superuser, API keys. */
        public Builder security(ElasticsearchSecurity security) { this.security = security; return this; }

        public LocalElasticsearch start() {
            if (dir == null) throw new IllegalStateException("dir is required");
            LocalElasticsearch es = create(dir, heap, security, null, FreePorts.next(2));
            es.start();
            return es;
        }
    }

    /** A node not yet started, on the given HTTP and transport ports. */
    static LocalElasticsearch create(Path dir, String heap, ElasticsearchSecurity security, ClusterSettings cluster,
                                     int[] ports) {
        LocalElasticsearch es = new LocalElasticsearch(dir, null, heap, security, cluster);
        es.httpPort = ports[0];
        es.transportPort = ports[1];
        return es;
    }

    /** An already running cluster; lifecycle calls are refused. */
    static LocalElasticsearch external(String url) {
        return new LocalElasticsearch(null, url.endsWith("/") ? url.substring(0, url.length() - 1) : url, null, null,
                null);
    }

    /** {@code http://127.0.0.1:port}, or {@code https://...} when secured. */
    public String url() {
        return externalUrl != null ? externalUrl : (security == null ? "http" : "https") + "://127.0.0.1:" + httpPort;
    }

    /** The client side of a secured node: CA, {@code elastic} password, roles, users, API keys. */
    public SecureElasticsearch security() {
        if (security == null) {
            throw new IllegalStateException("this node is not secured (LocalElasticsearch.Builder.security)");
        }
        synchronized (this) {
            if (secure == null) secure = new SecureElasticsearch(List.of(url()), security);
            return secure;
        }
    }

    /** True when started with {@link Builder#security}. */
    public boolean isSecured() {
        return security != null;
    }

    int transportPort() {
        return transportPort;
    }

    /** The version the running node reports. */
    public synchronized String version() {
        if (version == null) version = fetchVersion();
        return version;
    }

    /** (Re)starts the node on the same port and data directory and waits until it serves; no-op when it runs. */
    public synchronized void start() {
        requireLocal("start");
        if (process != null && process.isAlive()) return;
        long t0 = System.nanoTime();
        Distribution dist = launch();
        awaitReady(t0, dist);
    }

    /** Starts the process without waiting (cluster members start together: none is healthy alone). */
    synchronized Distribution launch() {
        requireLocal("start");
        Distribution dist = Distribution.choose();
        if (process != null && process.isAlive()) return dist;
        Path home = Install.ensure(dist.version());
        Path javaHome = dist.javaHome();
        boolean root = Install.isRoot();
        instance = Install.usableInstanceDir(dir, root);
        try {
            prepareInstance(home, instance, javaHome);
            if (root) {
                Install.ensureUser();
                Install.chownRecursively(instance, ES_USER);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare Elasticsearch dir " + instance, e);
        }
        List<String> es = new ArrayList<>();
        if (root) {
            es.addAll(List.of("setpriv", "--reuid=" + ES_USER, "--regid=" + ES_USER, "--init-groups", "--"));
        }
        es.add(home.resolve("bin/elasticsearch").toString());
        // The wrapper turns "our stdin closed" (this JVM died, even by SIGKILL) into SIGTERM then SIGKILL of ES.
        List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                "exec 3<&0; \"$@\" </dev/null & es=$!; "
                        + "( cat <&3 >/dev/null; kill -TERM $es 2>/dev/null; sleep 20; kill -KILL $es 2>/dev/null ) & "
                        + "wait $es", "es-wrapper"));
        cmd.addAll(es);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(instance.resolve("console.log").toFile()));
        Map<String, String> env = pb.environment();
        env.put("ES_JAVA_HOME", javaHome.toString());
        env.remove("JAVA_HOME");
        env.put("ES_PATH_CONF", instance.resolve("config").toString());
        env.put("ES_TMPDIR", instance.resolve("tmp").toString());
        // Cluster members start together on a small machine: C1 only spares them C2's compile threads.
        env.put("ES_JAVA_OPTS", "-Xms" + heap + " -Xmx" + heap + (cluster == null ? "" : " -XX:TieredStopAtLevel=1"));
        env.put("HOME", instance.toString());
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Elasticsearch: " + cmd, e);
        }
        if (hook == null) {
            hook = new Thread(this::close, "local-es-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        }
        return dist;
    }

    /** Waits until the node answers cluster health yellow or green; stops it on failure. */
    void awaitReady(long t0, Distribution dist) {
        try {
            awaitHealthy(instance);
        } catch (RuntimeException e) {
            synchronized (this) {
                stopProcess();
            }
            throw e;
        }
        version = fetchVersion();
        log.info("Elasticsearch {} {}ready at {} in {} ms (JDK {} at {}: {}; dir {}{})", version,
                cluster == null ? "" : cluster.nodeName() + " ", url(), (System.nanoTime() - t0) / 1_000_000,
                Install.javaVersion(dist.javaHome()), dist.javaHome(), dist.why(), instance,
                Install.isRoot() ? ", user " + ES_USER : "");
    }

    /** SIGKILL of the node's whole process tree (no clean shutdown); {@link #start()} brings it back on its data. */
    public synchronized void kill() {
        requireLocal("kill");
        Process p = process;
        process = null;
        if (p == null) return;
        List<ProcessHandle> tree = new ArrayList<>();
        p.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        awaitExit(p, tree);
    }

    /** True while the node's process runs. */
    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Stops the node (SIGTERM, then SIGKILL of the whole process tree after 30 s); data stays. */
    public synchronized void stop() {
        requireLocal("stop");
        stopProcess();
    }

    @Override
    public synchronized void close() {
        if (externalUrl != null) return;
        stopProcess();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // hooks are running
            }
            hook = null;
        }
    }

    private void requireLocal(String op) {
        if (externalUrl != null) {
            throw new UnsupportedOperationException(op + "() refused: Elasticsearch is external (" + externalUrl + ")");
        }
    }

    private void stopProcess() {
        Process p = process;
        process = null;
        if (p == null) return;
        List<ProcessHandle> tree = new ArrayList<>();
        p.descendants().forEach(tree::add);
        // The ES launcher forwards SIGTERM to the server as a clean shutdown.
        tree.forEach(ProcessHandle::destroy);
        p.destroy();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (ProcessHandle h : tree) {
            long left = deadline - System.nanoTime();
            try {
                h.onExit().get(Math.max(1, left), TimeUnit.NANOSECONDS);
            } catch (Exception timeoutOrInterrupt) {
                break;
            }
        }
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        awaitExit(p, tree);
    }

    private static void awaitExit(Process p, List<ProcessHandle> tree) {
        LocalKafka.waitFor(p, Duration.ofSeconds(10));
        for (ProcessHandle h : tree) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // logged below if still alive
            }
            if (h.isAlive()) log.warn("Elasticsearch process {} still alive after SIGKILL", h.pid());
        }
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // gone
        }
    }

    private void prepareInstance(Path home, Path instance, Path javaHome) throws IOException {
        Path config = instance.resolve("config");
        Files.createDirectories(instance.resolve("data"));
        Files.createDirectories(instance.resolve("logs"));
        Files.createDirectories(instance.resolve("tmp"));
        if (!Files.exists(config.resolve("jvm.options"))) {
            Files.createDirectories(config);
            try (Stream<Path> files = Files.walk(home.resolve("config"))) {
                for (Path src : (Iterable<Path>) files::iterator) {
                    Path dst = config.resolve(home.resolve("config").relativize(src).toString());
                    if (Files.isDirectory(src)) Files.createDirectories(dst);
                    else Files.copy(src, dst, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        String yml = render(instance.resolve("data"), instance.resolve("logs"), httpPort, transportPort);
        if (cluster != null) yml = clusterYaml(yml, cluster);
        if (security != null) {
            yml = yml.replace("xpack.security.enabled: false\n", ElasticsearchSecurity.yaml());
            security.install(config, home, javaHome);
        }
        Files.writeString(config.resolve("elasticsearch.yml"), yml);
    }

    /** Replaces the single-node discovery with the cluster's seeds and initial masters. */
    static String clusterYaml(String singleNode, ClusterSettings c) {
        String seeds = c.transportPorts().stream().map(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(", "));
        String masters = c.nodeNames().stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
        return singleNode.replace("cluster.name: fabstir-local\n", "cluster.name: " + c.clusterName() + "\n")
                .replace("node.name: local\n", "node.name: " + c.nodeName() + "\n")
                .replace("discovery.type: single-node\n", "discovery.seed_hosts: [ " + seeds + " ]\n"
                        // Read only when the cluster forms the first time; restarts join the existing cluster.
                        + "cluster.initial_master_nodes: [ " + masters + " ]\n");
    }

    static String render(Path data, Path logs, int httpPort, int transportPort) {
        return "cluster.name: fabstir-local\n"
                + "node.name: local\n"
                + "discovery.type: single-node\n"
                + "network.host: 127.0.0.1\n"
                + "http.port: " + httpPort + "\n"
                + "transport.port: " + transportPort + "\n"
                + "path.data: " + data + "\n"
                + "path.logs: " + logs + "\n"
                + "xpack.security.enabled: false\n"
                // The build disk may be fuller than the default watermarks; tests must still get shards allocated.
                + "cluster.routing.allocation.disk.threshold_enabled: false\n"
                + "action.destructive_requires_name: false\n";
    }

    private void awaitHealthy(Path instance) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Elasticsearch exited with " + process.exitValue() + "; "
                        + instance.resolve("console.log") + ":\n" + LocalKafka.tail(instance.resolve("console.log")));
            }
            try {
                HttpResponse<String> r = http.send(get("/_cluster/health?wait_for_status=yellow&timeout=2s"),
                        HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && (r.body().contains("\"status\":\"green\"")
                        || r.body().contains("\"status\":\"yellow\""))) {
                    return;
                }
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            LocalKafka.sleep(250);
        }
        throw new IllegalStateException("Elasticsearch not healthy at " + url() + " within " + READY_TIMEOUT
                + " (last: " + last + "); " + instance.resolve("console.log") + ":\n"
                + LocalKafka.tail(instance.resolve("console.log")));
    }

    private HttpRequest get(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(10)).GET();
        if (security != null) {
            b.header("Authorization", SecureElasticsearch.basicAuthorization(ElasticsearchSecurity.ELASTIC_USER,
                    security.elasticPassword()));
        }
        return b.build();
    }

    /** The integ-test distribution has no root ("/") handler, so the version comes from the nodes API. */
    private String fetchVersion() {
        try {
            HttpResponse<String> r = http.send(get("/_nodes/_local?filter_path=nodes.*.version"),
                    HttpResponse.BodyHandlers.ofString());
            Matcher m = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
            return m.find() ? m.group(1) : "unknown";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version from " + url(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

}
