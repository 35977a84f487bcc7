package io.fabstir.examples.ops;

import io.fabstir.chain.contracts.FabstirContract;
import io.fabstir.chain.gas.GasTracker;
import io.fabstir.chain.monitor.ChainMonitor;
import io.fabstir.chain.monitor.Rpc;
import io.fabstir.shipper.metrics.ShipperMetrics;
import io.fabstir.shipper.sink.SinkMetrics;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.web3j.protocol.core.methods.response.TransactionReceipt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one source of truth for what the rules, the dashboard and the alert tests may select: the series the code
 * really exports, taken from running processes. The example node runs under the real agent jar (failing jobs, all
 * its gauges) and its {@code /metrics} is scraped; the shipper's {@code tail} metrics and both indexer sinks'
 * metrics are exercised through their own classes and scraped from the client library's HTTP server. What was seen
 * (name and labels, no values) is written to {@code target/exported-series.txt}, one series a line, once per test
 * JVM.
 */
final class ExportedSeries {
    record Series(String name, Map<String, String> labels) {
        @Override
        public String toString() {
            return name + labels.entrySet().stream().map(e -> e.getKey() + "=\"" + e.getValue() + "\"")
                    .collect(Collectors.joining(",", "{", "}"));
        }
    }

    private static List<Series> cached;
    private static RuntimeException failed;

    private ExportedSeries() {
    }

    static Path file() {
        return Path.of(System.getProperty("fabstir.node.jar", OpsTools.moduleDir().resolve("target/x").toString()))
                .toAbsolutePath().getParent().resolve("exported-series.txt");
    }

    /** The exported series, scraped on the first call in this JVM. */
    static synchronized List<Series> get() {
        if (failed != null) {
            throw failed; // scraped once per JVM, failed or not
        }
        if (cached == null) {
            try {
                Set<Series> all = new LinkedHashSet<>(node());
                all.addAll(pipeline());
                all.addAll(chain());
                List<Series> sorted = new ArrayList<>(all);
                sorted.sort((a, b) -> a.toString().compareTo(b.toString()));
                Files.createDirectories(file().getParent());
                Files.writeString(file(), "# series exported by the code, scraped by examples' ExportedSeries; "
                        + "label values as seen, no sample values\n"
                        + sorted.stream().map(Series::toString).collect(Collectors.joining("\n")) + "\n");
                cached = Collections.unmodifiableList(sorted);
            } catch (IOException e) {
                throw failed = new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw failed = new IllegalStateException(e);
            } catch (RuntimeException e) {
                throw failed = e;
            }
        }
        return cached;
    }

    static Set<String> names() {
        return get().stream().map(Series::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The example node under the agent, half its jobs failing, until both job outcomes of a model were counted. Its
     * GPUs are otel-bootstrap's NVML stub (the real libnvidia-ml.so interface, built here with gcc), so the per-GPU
     * series are seen on machines without an NVIDIA GPU too.
     */
    private static List<Series> node() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("fabstir-exported-series");
        Path nvml = stubNvml(dir);
        try (NodeProcess node = NodeProcess.start(dir, List.of(), List.of("-Dfabstir.gpu.nvml.library=" + nvml,
                "-Dfabstir.gpu.sample.interval=1s", "-Dfabstir.system.interval=1s"), "--failure-rate", "0.5", "--workers",
                "4", "--seed", "17")) {
            node.awaitMetrics(Duration.ofSeconds(60));
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            List<Series> seen;
            do {
                Thread.sleep(1_000);
                HttpResponse<String> r = node.get("/metrics");
                seen = r == null ? List.of() : parse(r.body());
            } while (System.nanoTime() < deadline && !bothOutcomesCounted(seen));
            if (!bothOutcomesCounted(seen)) {
                throw new IllegalStateException("the node counted no success and failure of llama-3-8b-instruct in 40 s:\n"
                        + node.output());
            }
            return seen;
        }
    }

    private static boolean bothOutcomesCounted(List<Series> seen) {
        long outcomes = seen.stream().filter(s -> s.name().equals("fabstir_jobs_processed_total")
                && "llama-3-8b-instruct".equals(s.labels().get("model"))).count();
        boolean gpus = seen.stream().anyMatch(s -> s.name().equals("fabstir_gpu_utilization_percent"));
        boolean host = seen.stream().anyMatch(s -> s.name().equals("fabstir_system_cpu_used_percent"));
        return outcomes >= 2 && gpus && host;
    }

    private static Path stubNvml(Path dir) throws IOException, InterruptedException {
        Path source = Path.of(System.getProperty("fabstir.repo.root", OpsTools.moduleDir().resolve("..").toString()),
                "otel-bootstrap", "src", "test", "resources", "nvml", "stub_nvml.c");
        Path library = dir.resolve("libnvidia-ml.so");
        OpsTools.Result gcc = OpsTools.run(dir, "gcc", "-shared", "-fPIC", "-O2", "-o", library.toString(),
                source.toString());
        if (gcc.exitCode() != 0) {
            throw new IllegalStateException("gcc could not build the NVML stub " + source + ":\n" + gcc.output());
        }
        return library;
    }

    /** {@code tail}'s metrics and both indexer sinks', each through the class that owns it. */
    private static List<Series> pipeline() throws IOException, InterruptedException {
        ShipperMetrics m = ShipperMetrics.get();
        m.linesRead(1);
        m.sent(1, 100);
        m.unparsed();
        m.error("send");
        m.fileLag("/var/log/fabstir/fabstir.json", 10);
        List<Series> out = new ArrayList<>(scrape(io.fabstir.shipper.metrics.MetricsEndpoint.registry()));
        // One metrics class for every sink, labelled by sink: driven here as the loop and the sinks drive it.
        PrometheusRegistry sinks = new PrometheusRegistry();
        for (String sink : List.of("elasticsearch", "loki")) {
            SinkMetrics s = SinkMetrics.of(sinks, sink);
            s.indexed(1);
            s.dlq(1);
            s.retry();
            s.batch(0.1);
            s.lag(0, 1);
        }
        out.addAll(scrape(sinks));
        return out;
    }

    /**
     * The chain monitor's series ({@code fabstir-shipper chain}): the monitor built as the command builds it, which
     * declares every (contract, event) counter at 0; its package-private event metrics driven as the monitor drives
     * them on decoded events; and the gas histograms through {@code GasTracker.track} with a receipt.
     */
    private static List<Series> chain() throws IOException, InterruptedException {
        PrometheusRegistry registry = new PrometheusRegistry();
        Path dir = Files.createTempDirectory("fabstir-exported-chain");
        GasTracker gas = GasTracker.register(registry);
        Rpc rpc = Rpc.connect("http://127.0.0.1:1"); // never called: building the monitor reads nothing from the chain
        try {
            ChainMonitor.Builder b = ChainMonitor.builder().rpc(rpc).cursorFile(dir.resolve("cursor.json"))
                    .eventLog(dir.resolve("events.json")).registry(registry).gasTracker(gas);
            for (FabstirContract c : FabstirContract.values()) {
                b.contract(c, "0x" + "1".repeat(40));
            }
            b.build();
        } finally {
            rpc.close();
        }
        TransactionReceipt receipt = new TransactionReceipt();
        receipt.setGasUsed("0x5208");
        receipt.setEffectiveGasPrice("0x3b9aca00");
        gas.track(receipt, "completeJob", FabstirContract.JOB_MARKETPLACE.contractName());
        // A second ChainMetrics on its own registry: its event methods, with a model the example node runs.
        List<Series> out = new ArrayList<>(scrape(registry));
        out.addAll(scrape(sink("io.fabstir.chain.monitor.ChainMetrics")));
        return out;
    }

    private static PrometheusRegistry sink(String className) {
        PrometheusRegistry registry = new PrometheusRegistry();
        try {
            Constructor<?> c = Class.forName(className).getDeclaredConstructor(PrometheusRegistry.class);
            c.setAccessible(true);
            Object metrics = c.newInstance(registry);
            for (Method method : metrics.getClass().getDeclaredMethods()) {
                boolean primitives = java.util.Arrays.stream(method.getParameterTypes())
                        .allMatch(t -> t.isPrimitive() || t == String.class || t == BigDecimal.class);
                if (java.lang.reflect.Modifier.isStatic(method.getModifiers()) || method.isSynthetic()
                        || method.getReturnType() != void.class || !primitives) {
                    continue;
                }
                method.setAccessible(true);
                Class<?>[] p = method.getParameterTypes();
                Object[] args = new Object[p.length];
                for (int i = 0; i < p.length; i++) {
                    args[i] = argument(p[i]);
                }
                method.invoke(metrics, args);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot drive " + className + " (renamed? update ExportedSeries): " + e, e);
        }
        return registry;
    }

    private static Object argument(Class<?> type) {
        if (type == double.class) {
            return 0.2;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 1L;
        }
        if (type == String.class) {
            return "llama-3-8b-instruct";
        }
        if (type == BigDecimal.class) {
            return BigDecimal.ONE;
        }
        throw new IllegalStateException("no argument for a " + type + " parameter");
    }

    private static List<Series> scrape(PrometheusRegistry registry) throws IOException, InterruptedException {
        try (HTTPServer server = HTTPServer.builder().hostname("127.0.0.1").port(0).registry(registry).buildAndStart()) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.getPort() + "/metrics")).timeout(Duration.ofSeconds(30))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return parse(r.body());
        }
    }

    /** Series of a Prometheus text exposition: names and label sets, values dropped. */
    static List<Series> parse(String exposition) {
        List<Series> out = new ArrayList<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.indexOf(' ');
            if (brace < 0 || (space >= 0 && space < brace)) {
                out.add(new Series(line.substring(0, space), Map.of()));
                continue;
            }
            Map<String, String> labels = new TreeMap<>();
            int i = brace + 1;
            while (line.charAt(i) != '}') {
                int eq = line.indexOf('=', i);
                String name = line.substring(i, eq).strip();
                StringBuilder value = new StringBuilder();
                int j = eq + 2; // past ="
                while (line.charAt(j) != '"') {
                    char c = line.charAt(j++);
                    if (c == '\\') {
                        char n = line.charAt(j++);
                        value.append(n == 'n' ? '\n' : n);
                    } else {
                        value.append(c);
                    }
                }
                labels.put(name, value.toString());
                i = j + 1;
                if (line.charAt(i) == ',') {
                    i++;
                }
            }
            out.add(new Series(line.substring(0, brace), Collections.unmodifiableMap(labels)));
        }
        return out;
    }
}
