package io.fabstir.shipper.demo;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.localservices.LocalElasticsearch;
import io.fabstir.localservices.LocalKafka;
import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.fabstir.templates.InstallReport;
import io.fabstir.templates.TemplateInstaller;
import io.fabstir.templates.kibana.KibanaSavedObjects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * {@code fabstir-shipper demo}: the whole pipeline on this machine with real parts. A KRaft Kafka broker (in this
 * JVM) and an Elasticsearch node (a child process) from the local-services kit, the templates, the edge tail and
 * the central indexer (in this JVM, built as {@code tail} and {@code index} build them), and the example node as
 * a child JVM under {@code -javaagent:fabstir-otel-agent.jar}. After the node's run it prints what reached
 * Elasticsearch, the saved searches' hits, one failed job followed by its trace id, and where to point Kibana,
 * Grafana and Prometheus; it measures the time from the command's start to the first searchable record.
 */
public final class Demo {
    private static final Logger log = LoggerFactory.getLogger(Demo.class);
    /** The datasets the exit code is decided on: each must have reached Elasticsearch. */
    static final List<String> REQUIRED_DATASETS = List.of("fabstir.job", "fabstir.audit", "fabstir.performance");
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private final Duration duration;
    private final boolean keepRunning;
    private final Artifacts jars;
    private final String otlpEndpoint;
    private final String jaegerUrl;
    private final Path workDirOption;
    private final String nodeId;
    private final boolean verbose;

    private Demo(Builder b) {
        this.duration = b.duration;
        this.keepRunning = b.keepRunning;
        this.jars = b.jars;
        this.otlpEndpoint = b.otlpEndpoint;
        this.jaegerUrl = b.jaegerUrl;
        this.workDirOption = b.workDir;
        this.nodeId = b.nodeId;
        this.verbose = b.verbose;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the demo and returns the exit code: 0 when fabstir.job, fabstir.audit and fabstir.performance records are
     * all searchable, 1 otherwise (the reason is printed). With keep-running it returns only when the JVM is stopped.
     */
    public int run(PrintWriter out) {
        Console console = new Console(out, commandStart());
        Path work;
        boolean ownWork = workDirOption == null;
        try {
            work = ownWork ? Files.createTempDirectory("fabstir-demo-") : Files.createDirectories(workDirOption);
        } catch (IOException e) {
            console.line("fabstir-shipper demo: cannot create the work directory: %s", e);
            return 1;
        }
        DemoLogging.toFile(work.resolve("demo.log"), verbose);
        String repo = BuildInfo.mavenRepository();
        if (System.getProperty("fabstir.maven.repo") == null && repo != null) {
            System.setProperty("fabstir.maven.repo", repo); // where local-services finds the Elasticsearch zip
        }
        DemoStack stack = new DemoStack(console);
        CountDownLatch signalStopDone = new CountDownLatch(1);
        Runnable stopOnSignal = () -> {
            if (stack.startClosing()) {
                console.step("stopping: node, tail, index, Elasticsearch, Kafka");
                stack.close();
                if (ownWork && !stack.failed) {
                    deleteRecursively(work);
                }
                console.step("everything stopped; total demo time %.1f s", console.secondsSinceStart());
                signalStopDone.countDown();
            }
        };
        StopSignals.install(stopOnSignal);
        // For any other way the JVM ends (the kit's own hooks then stop Kafka and Elasticsearch alongside).
        Thread hook = new Thread(stopOnSignal, "demo-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int code;
        try {
            code = runStack(console, stack, work);
        } catch (Exception e) {
            if (stack.closing()) {
                // Stopped by a signal: the parts going away made the run fail, which is no news. Returning now would
                // exit the JVM under the stop in progress.
                awaitQuietly(signalStopDone);
                return 130;
            }
            stack.failed = true;
            log.error("demo failed", e);
            console.step("FAILED: %s", e instanceof ExecutionException && e.getCause() != null
                    ? e.getCause().toString() : e.toString());
            console.line("  the logs of Kafka, Elasticsearch, tail and index: %s", work.resolve("demo.log"));
            code = 1;
        }
        if (!stack.startClosing()) {
            awaitQuietly(signalStopDone); // a signal is stopping everything
            return code;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return code; // the hook is stopping everything
        }
        long t0 = System.nanoTime();
        console.step("stopping node, tail, index, Elasticsearch and Kafka");
        stack.close();
        console.step("stopped in %.1f s", (System.nanoTime() - t0) / 1e9);
        if (ownWork && code == 0) {
            deleteRecursively(work);
        } else {
            console.line("files of this run (node logs, demo.log, Elasticsearch and Kafka data): %s", work);
        }
        console.line("total demo time: %.1f s (from the command's start; exit code %d)", console.secondsSinceStart(), code);
        return code;
    }

    private int runStack(Console console, DemoStack stack, Path work) throws Exception {
        console.line("fabstir-shipper demo: real Kafka and Elasticsearch on this machine, the example node for %d s%s",
                duration.toSeconds(), keepRunning ? ", then everything stays up until Ctrl-C" : "");
        console.line("  work dir %s", work);
        console.line("  node jar %s", jars.nodeJar());
        console.line("  agent    %s", jars.agentJar());
        console.blank();

        console.step("starting Elasticsearch (child process from the integ-test distribution; about 10-20 s)");
        stack.elasticsearch = CompletableFuture.supplyAsync(() -> LocalElasticsearch.start(work.resolve("elasticsearch")),
                r -> new Thread(r, "demo-elasticsearch-start").start());

        console.step("starting Kafka (KRaft broker in this JVM)");
        stack.kafka = LocalKafka.builder().dir(work.resolve("kafka")).start();
        stack.kafka.createTopic(Pipeline.TOPIC, 1);
        String bootstrap = stack.kafka.bootstrapServers();
        console.step("Kafka ready at %s, topic %s", bootstrap, Pipeline.TOPIC);

        stack.metrics = MetricsEndpoint.start(0);
        Path nodeDir = work.resolve("node");
        Path logDir = nodeDir.resolve("logs");
        Files.createDirectories(logDir);
        stack.pipeline.startTail(bootstrap, nodeId, logDir, work.resolve("tail-checkpoint.json"));
        console.step("tail: following %s → Kafka %s (node_id %s, environment demo)", logDir.resolve("*.json"),
                Pipeline.TOPIC, nodeId);

        stack.chain = ChainDemo.startIfAvailable(console, work, logDir);

        int nodePort = freePort();
        stack.node = NodeProcess.start(jars, nodeDir, nodeProperties(logDir, nodePort),
                keepRunning ? List.of() : List.of("--duration", duration.toMillis() + "ms"));
        console.step("node: pid %d, java -javaagent:%s -jar %s; /metrics on http://127.0.0.1:%d/metrics%s",
                stack.node.pid(), jars.agentJar().getFileName(), jars.nodeJar().getFileName(), nodePort,
                otlpEndpoint == null ? "; traces not exported (otel.traces.exporter=none)"
                        : "; traces → " + otlpEndpoint);
        console.step("dashboard: http://127.0.0.1:%d/dashboard/ (the node's live page%s)", nodePort,
                keepRunning ? "; up until Ctrl-C" : "; --keep-running keeps it up after the report");

        LocalElasticsearch es = stack.elasticsearch.get();
        stack.checkRunning();
        console.step("Elasticsearch %s ready at %s", es.version(), es.url());
        stack.connection = EsConnection.builder().host(es.url()).build();
        InstallReport installed = TemplateInstaller.builder().client(stack.connection.client()).replicas(0).build()
                .install();
        console.step("templates installed: %d resources%s", installed.outcomes().size(),
                installed.ilmAvailable() ? "" : " (this distribution has no ILM: `fabstir-shipper retention` deletes old days)");
        stack.pipeline.startIndex(bootstrap, stack.connection.client());
        console.step("index: consumer group %s, %s → fabstir-logs-{yyyy.MM.dd}", Pipeline.GROUP, Pipeline.TOPIC);
        stack.watch = new SearchableWatch(stack.connection.client(),
                first -> console.step("first record searchable in Elasticsearch"));
        Report report = new Report(stack.connection.client(), console);

        boolean nodeDone = awaitNode(console, stack);
        NodeProcess node = stack.node;
        String nodeProblem = null;
        if (nodeDone) {
            int exit = node.exitValue();
            console.step("node exited with %d", exit);
            if (exit != 0) {
                nodeProblem = "the example node exited with " + exit + "; its last output:" + System.lineSeparator()
                        + node.tail(20);
            }
            drain(console, report, logDir);
        } else {
            report.refresh();
        }

        console.blank();
        Map<String, Long> datasets = report.indices();
        console.blank();
        console.line("Saved searches (elastic-templates kibana/queries.json), run through the _search API:");
        ObjectNode failedJob = null;
        List<Report.SavedQuery> saved = Report.savedQueries();
        for (String id : Report.SHOWN) {
            Report.SavedQuery q = saved.stream().filter(s -> s.id().equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("saved search " + id + " is not in queries.json"));
            Report.Result r = report.run(q, 3);
            report.print(r);
            if (id.equals("fabstir-failed-jobs") && !r.hits().isEmpty()) {
                failedJob = r.hits().get(0);
            }
        }
        console.blank();
        if (failedJob != null) {
            report.follow(failedJob, jaegerUrl, otlpEndpoint != null);
        } else {
            console.line("No job failed in this run (about 8%% do): nothing to follow to its trace.");
        }
        console.blank();
        String chainProblem = stack.chain == null ? null : stack.chain.report(console, stack.connection.client());
        console.blank();
        explore(console, stack, work, nodePort, es.url());
        console.blank();

        Instant first = stack.watch.first();
        if (first != null) {
            String written = report.firstRecordTime()
                    .map(t -> String.format(" (the node wrote it at +%.1f s)", console.secondsSinceStart(t))).orElse("");
            console.line("time to first searchable record: %.1f s from the command's start%s",
                    console.secondsSinceStart(first), written);
        } else {
            console.line("time to first searchable record: none became searchable");
        }
        List<String> missing = new ArrayList<>();
        for (String ds : REQUIRED_DATASETS) {
            if (datasets.getOrDefault(ds, 0L) == 0) {
                missing.add(ds);
            }
        }
        StringBuilder counts = new StringBuilder();
        for (String ds : REQUIRED_DATASETS) {
            counts.append(counts.length() == 0 ? "" : ", ").append(ds).append(' ').append(datasets.getOrDefault(ds, 0L));
        }
        int code;
        if (stack.chain != null) {
            counts.append(", fabstir.contract ").append(datasets.getOrDefault("fabstir.contract", 0L));
        }
        if (missing.isEmpty() && nodeProblem == null && chainProblem == null) {
            console.line("RESULT: OK: %s", counts);
            code = 0;
        } else {
            stack.failed = true;
            console.line("RESULT: FAILED: %s", counts);
            if (!missing.isEmpty()) {
                console.line("  no %s record reached Elasticsearch", String.join(", no ", missing));
            }
            if (nodeProblem != null) {
                console.raw("  " + nodeProblem);
            }
            if (chainProblem != null) {
                console.raw("  " + chainProblem);
            }
            console.line("  node output: %s; pipeline logs: %s", node.output(), work.resolve("demo.log"));
            code = 1;
        }
        if (keepRunning) {
            console.blank();
            console.step("everything stays up (the node keeps working); Ctrl-C stops it all");
            new CountDownLatch(1).await(); // until the JVM is stopped: the shutdown hook closes the stack
        }
        return code;
    }

    /** Prints progress until the node exits (normal run) or the duration has passed (keep-running). */
    private boolean awaitNode(Console console, DemoStack stack) throws InterruptedException {
        long end = System.nanoTime() + duration.toNanos();
        // The node's run starts once its JVM is up; give start-up and its final drain room before giving up on it.
        long giveUp = end + Duration.ofSeconds(60).toNanos();
        Pipeline.Counts last = stack.pipeline.counts();
        long lastAt = System.nanoTime();
        while (true) {
            boolean exited = stack.node.waitFor(PROGRESS_EVERY);
            stack.checkRunning();
            long now = System.nanoTime();
            Pipeline.Counts c = stack.pipeline.counts();
            double seconds = (now - lastAt) / 1e9;
            console.step("node %s | shipped %,d (%,.0f/s) | indexed %,d (%,.0f/s)%s | searchable %,d",
                    exited ? "exited" : "running", c.shipped(), (c.shipped() - last.shipped()) / seconds,
                    c.indexed(), (c.indexed() - last.indexed()) / seconds,
                    c.deadLettered() > 0 ? " | dead letters " + c.deadLettered() : "", stack.watch.searchable());
            last = c;
            lastAt = now;
            if (exited) {
                return true;
            }
            if (keepRunning && now - end >= 0) {
                return false;
            }
            if (now - giveUp >= 0) {
                console.step("node still running %d s after its duration: stopping it", Duration.ofNanos(now - end).toSeconds());
                stack.node.close();
                return true;
            }
        }
    }

    /** After the node's exit: waits until every line it wrote is in Elasticsearch (or the DLQ), then refreshes. */
    private static void drain(Console console, Report report, Path logDir) throws IOException, InterruptedException {
        long written = countLines(logDir);
        long deadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
        long stored;
        do {
            report.refresh();
            stored = report.countAll();
            if (stored >= written) {
                break;
            }
            Thread.sleep(250);
        } while (System.nanoTime() - deadline < 0);
        console.step("the node wrote %,d records; %,d are in Elasticsearch%s", written, stored,
                stored >= written ? "" : " (still missing after " + DRAIN_TIMEOUT.toSeconds() + " s: see demo.log)");
    }

    private void explore(Console console, DemoStack stack, Path work, int nodePort, String esUrl) throws IOException {
        String when = keepRunning ? "up until Ctrl-C" : "stopped when this run ends; --keep-running keeps them up";
        console.line("Where to look (%s):", when);
        console.line("  Elasticsearch  %s  indices fabstir-logs-*  (Kibana: elasticsearch.hosts: [\"%s\"])",
                esUrl, esUrl);
        if (keepRunning || workDirOption != null) {
            Path ndjson = work.resolve("fabstir-kibana.ndjson");
            KibanaSavedObjects.builder().jaegerUrl(jaegerUrl).build().writeTo(ndjson);
            console.line("  Kibana         import %s (Stack Management → Saved objects): data views, saved searches, dashboard",
                    ndjson);
        } else {
            console.line("  Kibana         import the saved objects: java -cp log-shipper/central/target/fabstir-shipper-central.jar "
                    + "io.fabstir.templates.kibana.KibanaSavedObjects --jaeger-url %s --out fabstir-kibana.ndjson", jaegerUrl);
        }
        console.line("  Prometheus     scrape http://127.0.0.1:%d/metrics (the node: fabstir_jobs_processed_total, ...)",
                nodePort);
        console.line("                 and http://127.0.0.1:%d/metrics (this shipper: tail and index)", stack.metrics.port());
        console.line("  Dashboard      http://127.0.0.1:%d/dashboard/ (the node's live page, no Grafana needed)", nodePort);
        if (stack.chain != null) {
            console.line("                 and http://127.0.0.1:%d/metrics (the chain monitor; /health too)", stack.chain.port());
        }
        console.line("  Grafana        import examples/grafana/fabstir-node-dashboard.json, DS_PROMETHEUS = that Prometheus");
        console.line("  Jaeger         %s/trace/<trace.id>%s", jaegerUrl,
                otlpEndpoint == null ? " (run with --otlp-endpoint http://localhost:4318 to export traces)" : "");
        console.line("  Kafka          %s  topic %s", stack.kafka.bootstrapServers(), Pipeline.TOPIC);
    }

    private Map<String, String> nodeProperties(Path logDir, int port) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("otel.service.name", "fabstir-example-node");
        // Without a collector, OTLP export would log a connection error every few seconds: off unless asked for.
        p.put("otel.traces.exporter", otlpEndpoint == null ? "none" : "otlp");
        if (otlpEndpoint != null) {
            p.put("otel.exporter.otlp.endpoint", otlpEndpoint);
        }
        // Metrics are scraped from /metrics; Jaeger takes no OTLP metrics.
        p.put("otel.metrics.exporter", "none");
        p.put("fabstir.node.id", nodeId);
        p.put("fabstir.environment", "demo");
        p.put("fabstir.http.host", "127.0.0.1");
        p.put("fabstir.http.port", Integer.toString(port));
        p.put("fabstir.log.dir", logDir.toString());
        p.put("fabstir.dashboard.enabled", "true");
        p.put("fabstir.dashboard.jaeger.url", jaegerUrl);
        return p;
    }

    /** The moment the command started: this JVM's start (to the millisecond), so its start-up counts too. */
    private static Instant commandStart() {
        return Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long countLines(Path dir) throws IOException {
        long n = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".json"))::iterator) {
                try (InputStream in = Files.newInputStream(f)) {
                    byte[] buf = new byte[64 * 1024];
                    for (int r; (r = in.read(buf)) > 0; ) {
                        for (int i = 0; i < r; i++) {
                            if (buf[i] == '\n') {
                                n++;
                            }
                        }
                    }
                }
            }
        }
        return n;
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            log.warn("could not delete {}: {}", dir, e.toString());
        }
    }

    public static final class Builder {
        private Duration duration = Duration.ofSeconds(60);
        private boolean keepRunning;
        private Path nodeJar;
        private Path agentJar;
        private Artifacts jars;
        private String otlpEndpoint;
        private String jaegerUrl = KibanaSavedObjects.DEFAULT_JAEGER_URL;
        private Path workDir;
        private String nodeId = "demo-node-1";
        private boolean verbose;
        private Path workingDir = Path.of("");

        private Builder() {
        }

        /** How long the example node runs before the report. */
        public Builder duration(Duration duration) {
            this.duration = duration;
            return this;
        }

        /** After the report, keep everything (node included) running until the JVM is stopped. */
        public Builder keepRunning(boolean keepRunning) {
            this.keepRunning = keepRunning;
            return this;
        }

        /** The example node jar; null: found in the build tree. */
        public Builder nodeJar(Path nodeJar) {
            this.nodeJar = nodeJar;
            return this;
        }

        /** fabstir-otel-agent.jar; null: found in the build tree. */
        public Builder agentJar(Path agentJar) {
            this.agentJar = agentJar;
            return this;
        }

        /** OTLP endpoint for the node's traces (e.g. Jaeger's http://localhost:4318); null: traces are not exported. */
        public Builder otlpEndpoint(String otlpEndpoint) {
            this.otlpEndpoint = otlpEndpoint;
            return this;
        }

        /** Base URL of the Jaeger UI for the printed trace links. */
        public Builder jaegerUrl(String jaegerUrl) {
            this.jaegerUrl = jaegerUrl;
            return this;
        }

        /** Where Kafka, Elasticsearch and the node keep their files (kept afterwards); null: a temporary directory. */
        public Builder workDir(Path workDir) {
            this.workDir = workDir;
            return this;
        }

        public Builder nodeId(String nodeId) {
            this.nodeId = nodeId;
            return this;
        }

        /** Component INFO logs on the console too. */
        public Builder verbose(boolean verbose) {
            this.verbose = verbose;
            return this;
        }

        /** Where relative jar locations are looked up (default: the working directory). */
        public Builder workingDir(Path workingDir) {
            this.workingDir = workingDir;
            return this;
        }

        /** Validates; a bad setting throws IllegalArgumentException naming the option and the fix. */
        public Demo build() {
            Objects.requireNonNull(duration, "duration");
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("--duration must be positive, e.g. 60s");
            }
            if (otlpEndpoint != null) {
                otlpEndpoint = httpUrl("--otlp-endpoint", otlpEndpoint, "http://localhost:4318");
            }
            jaegerUrl = httpUrl("--jaeger-url", jaegerUrl, KibanaSavedObjects.DEFAULT_JAEGER_URL);
            if (nodeId == null || nodeId.isBlank() || !nodeId.matches("[A-Za-z0-9._-]+")) {
                throw new IllegalArgumentException("--node-id: '" + nodeId + "' must be letters, digits, '.', '_' or '-'");
            }
            jars = Artifacts.locate(nodeJar, agentJar, workingDir, Artifacts.shipperCode());
            return new Demo(this);
        }

        private static String httpUrl(String option, String value, String example) {
            try {
                URI u = URI.create(value.trim());
                if (("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && u.getHost() != null
                        && !value.contains("\"")) {
                    String s = u.toString();
                    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
                }
            } catch (IllegalArgumentException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + ": '" + value + "' is not an http(s) URL such as " + example);
        }
    }
}
