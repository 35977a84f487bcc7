package io.fabstir.shipper.index;

import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.fabstir.templates.TemplateInstaller;

import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Harness (not a test): the CPU each process spends per record, carrying one file of encoder-format job records into
 * one Elasticsearch, for {@code tail} + {@code index} (the shipped jars, as deployed: {@code java -jar}, through the
 * local Kafka) and for pino-elasticsearch (its CLI reading the file on stdin). CPU is each process's utime+stime from
 * {@code /proc} over its whole life up to the moment Elasticsearch counts every record (start-up included, as the
 * issue measured it); wall time runs from launch to that moment. Rounds alternate which pipeline goes first.
 *
 * <p>Run by {@code log-shipper/bench/pipeline-vs-pino.sh} (it builds the jars and installs the peer outside the
 * repository); arguments: {@code records rounds pinoCli label=edgeJar,centralJar...} (several builds of ours, e.g.
 * {@code before} and {@code after}, each run in every round). System property {@code bench.jvm}
 * adds JVM flags to both of our processes (e.g. {@code -XX:+UseSerialGC}); {@code bench.jfr=DIR} records a JFR
 * profile of each of our processes there.
 */
public final class PipelineCpuBenchmark {
    private static final long TICKS = 100; // USER_HZ
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private PipelineCpuBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int records = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        Path pinoCli = Path.of(args[2]).toAbsolutePath();
        List<String[]> builds = new ArrayList<>(); // label, edge jar, central jar
        for (int i = 3; i < args.length; i++) {
            String[] labelJars = args[i].split("=", 2);
            String[] jars = labelJars[1].split(",");
            builds.add(new String[] {labelJars[0], Path.of(jars[0]).toAbsolutePath().toString(),
                Path.of(jars[1]).toAbsolutePath().toString()});
        }
        String jvmFlags = System.getProperty("bench.jvm", "").trim();
        String jfrDir = System.getProperty("bench.jfr");

        Path dir = Files.createTempDirectory("pipeline-cpu");
        Path file = dir.resolve("logs").resolve("node.json");
        Files.createDirectories(file.getParent());
        long bytes = writeRecords(file, records, Instant.now());
        System.out.printf(Locale.ROOT, "input: %,d encoder-format job records, %.1f MB, %.0f bytes/line, %s%n",
                records, bytes / 1e6, (double) bytes / records, file);

        var es = SharedServices.elasticsearch();
        var kafka = SharedServices.kafka();
        System.out.printf("Elasticsearch %s at %s; Kafka %s (in this JVM); load average %s%n", es.version(), es.url(),
                kafka.bootstrapServers(), loadAverage());
        try (EsConnection conn = EsConnection.builder().host(es.url()).build()) {
            // Both pipelines write fabstir-logs-* indices, so both get the same mappings, 1 shard, 0 replicas.
            TemplateInstaller.builder().client(conn.client()).replicas(0).build().install();
        }
        System.out.println("JVM flags for tail and index: " + (jvmFlags.isEmpty() ? "(none: as shipped)" : jvmFlags));

        List<String> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            String run = "r" + round + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
            List<Runnable> phases = new ArrayList<>();
            int r = round;
            for (String[] build : builds) {
                phases.add(() -> rows.addAll(ours(build[0], run + build[0].charAt(0), r, file, records,
                        Path.of(build[1]), Path.of(build[2]), jvmFlags, jfrDir, es.url(), kafka.bootstrapServers(), dir)));
            }
            phases.add(() -> rows.add(pino(run, r, file, records, pinoCli, es.url(), dir)));
            if (round % 2 == 0) {
                java.util.Collections.reverse(phases); // alternate which goes first
            }
            phases.forEach(Runnable::run);
        }
        String header = "| round | process | records | wall s | records/s | CPU s | CPU µs/record | load avg |\n"
                + "|---|---|---:|---:|---:|---:|---:|---|";
        String table = header + "\n" + String.join("\n", rows);
        System.out.println();
        System.out.println(table);
        Path out = Path.of(System.getProperty("bench.out", "target/pipeline-cpu.md"));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, table + "\n", StandardCharsets.UTF_8);
        System.out.println("written to " + out.toAbsolutePath());
        System.exit(0); // the in-process broker keeps non-daemon threads; the shutdown hook stops the services
    }

    /** tail and index started together; measured when Elasticsearch counts every record. */
    private static List<String> ours(String label, String run, int round, Path file, int records, Path edgeJar,
                                     Path centralJar, String jvmFlags, String jfrDir, String esUrl, String bootstrap,
                                     Path dir) {
        try {
            return oursChecked(label, run, round, file, records, edgeJar, centralJar, jvmFlags, jfrDir, esUrl,
                    bootstrap, dir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> oursChecked(String label, String run, int round, Path file, int records,
                                            Path edgeJar, Path centralJar, String jvmFlags, String jfrDir,
                                            String esUrl, String bootstrap, Path dir) throws Exception {
        String topic = "bench." + run;
        SharedServices.kafka().createTopic(topic, 1);
        String pattern = "fabstir-logs-ours" + run;
        Path work = Files.createDirectories(dir.resolve("ours-" + run));
        Instant launched = Instant.now();
        long t0 = System.nanoTime();
        double harness0 = harnessCpuSeconds();
        Process index = start(work.resolve("index.log"), java(jvmFlags, jfrDir, "index-" + label + "-" + run, centralJar, "index",
                "--es-hosts", esUrl, "--bootstrap-servers", bootstrap, "--topic", topic, "--dlq-topic", topic + ".dlq",
                "--group-id", "bench-" + run, "--index-pattern", pattern + "-{yyyy.MM.dd}",
                "--dlq-index-pattern", "fabstir-logs-dlq-ours" + run + "-{yyyy.MM.dd}", "--replicas", "0"));
        Process tail = start(work.resolve("tail.log"), java(jvmFlags, jfrDir, "tail-" + label + "-" + run, edgeJar, "tail",
                "--node-id", "bench-node", "--host-name", "bench-host", "--environment", "bench",
                "--bootstrap-servers", bootstrap, "--topic", topic, "--path", file.toString(),
                "--checkpoint-file", work.resolve("checkpoint.json").toString()));
        try {
            awaitCount(esUrl, pattern + "-*", records, List.of(tail, index), work);
            double wall = (System.nanoTime() - t0) / 1e9;
            double tailCpu = cpuSeconds(tail.pid());
            double indexCpu = cpuSeconds(index.pid());
            double brokerAndHarness = harnessCpuSeconds() - harness0;
            String load = loadAverage();
            System.out.printf(Locale.ROOT, "round %d %s (launched %s): %.1f s, tail %.1f s CPU, index %.1f s CPU,"
                    + " broker+harness JVM %.1f s CPU%n", round, label, launched, wall, tailCpu, indexCpu,
                    brokerAndHarness);
            return List.of(
                    row(round, label + ": fabstir-shipper tail", records, wall, tailCpu, load),
                    row(round, label + ": fabstir-shipper index", records, wall, indexCpu, load),
                    row(round, "**" + label + ": tail + index**", records, wall, tailCpu + indexCpu, load),
                    row(round, label + ": (Kafka broker + this harness's polling, not counted)", records, wall,
                            brokerAndHarness, load));
        } finally {
            stop(tail);
            stop(index);
        }
    }

    /** pino-elasticsearch's CLI on the same file, its CPU read from the shell that waited for it (cutime+cstime). */
    private static String pino(String run, int round, Path file, int records, Path pinoCli, String esUrl, Path dir) {
        try {
            return pinoChecked(run, round, file, records, pinoCli, esUrl, dir);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pinoChecked(String run, int round, Path file, int records, Path pinoCli, String esUrl,
                                      Path dir) throws Exception {
        String pattern = "fabstir-logs-pino" + run;
        Path work = Files.createDirectories(dir.resolve("pino-" + run));
        Path stat = work.resolve("shell.stat");
        // flush-bytes as our bulk size (5 MB): its default of 1000 bytes sends one or two documents per request.
        List<String> cmd = List.of("/bin/sh", "-c", "node \"$@\" < '" + file + "'; s=$?; cat /proc/$$/stat > '" + stat
                        + "'; exit $s", "sh", pinoCli.toString(), "--node", esUrl, "--index", pattern + "-%{DATE}",
                "--flush-bytes", String.valueOf(5 << 20), "--flush-interval", "200");
        long t0 = System.nanoTime();
        Process p = start(work.resolve("pino.log"), cmd);
        // pino-elasticsearch drops the documents of a failed bulk item and exits anyway: once it has exited, what
        // Elasticsearch holds is all it will store, and CPU per record is taken over the records it stored.
        long stored = awaitCountOrExit(esUrl, pattern + "-*", records, p);
        double wall = (System.nanoTime() - t0) / 1e9;
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("pino-elasticsearch did not exit after storing every record");
        }
        double cpu = childCpuSeconds(Files.readString(stat));
        System.out.printf(Locale.ROOT, "round %d pino-elasticsearch: %.1f s, %.1f s CPU, %,d of %,d records stored"
                + " (exit %d)%n", round, wall, cpu, stored, records, p.exitValue());
        String what = "pino-elasticsearch (node " + nodeVersion() + ")"
                + (stored < records ? ", " + (records - stored) + " records lost" : "");
        return row(round, what, (int) stored, wall, cpu, loadAverage());
    }

    /** Counts until the pattern holds {@code target} documents or, once {@code p} has exited, twice the same. */
    private static long awaitCountOrExit(String esUrl, String pattern, long target, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        long last = -1;
        while (System.nanoTime() < deadline) {
            boolean exited = !p.isAlive();
            long count = count(esUrl, pattern);
            if (count >= target || (exited && count == last)) {
                return count;
            }
            last = exited ? count : -1;
            Thread.sleep(500);
        }
        throw new IllegalStateException(pattern + " reached only " + last + " of " + target);
    }

    private static String row(int round, String what, int records, double wall, double cpu, String load) {
        return String.format(Locale.ROOT, "| %d | %s | %,d | %.1f | %,.0f | %.1f | %.1f | %s |", round, what, records,
                wall, records / wall, cpu, cpu * 1e6 / records, load);
    }

    private static List<String> java(String jvmFlags, String jfrDir, String name, Path jar, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (!jvmFlags.isEmpty()) {
            cmd.addAll(List.of(jvmFlags.split("\\s+")));
        }
        if (jfrDir != null) {
            cmd.add("-XX:StartFlightRecording=filename=" + Path.of(jfrDir).toAbsolutePath().resolve(name + ".jfr")
                    + ",settings=profile,dumponexit=true");
        }
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Process start(Path log, List<String> cmd) throws IOException {
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }

    /** Refreshes and counts every 500 ms until the pattern holds {@code target} documents. */
    private static void awaitCount(String esUrl, String pattern, long target, List<Process> mustLive, Path work)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(15);
        long count = 0;
        while (System.nanoTime() < deadline) {
            for (Process p : mustLive) {
                if (!p.isAlive()) {
                    throw new IllegalStateException("a process exited with " + p.exitValue() + " at " + count
                            + " documents; see " + work);
                }
            }
            count = count(esUrl, pattern);
            if (count >= target) {
                if (count > target) {
                    throw new IllegalStateException(pattern + " holds " + count + " documents, more than " + target);
                }
                return;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(pattern + " reached only " + count + " of " + target + "; see " + work);
    }

    private static final Pattern COUNT = Pattern.compile("\"count\"\\s*:\\s*(\\d+)");

    private static long count(String esUrl, String pattern) throws Exception {
        String base = esUrl.endsWith("/") ? esUrl : esUrl + "/";
        HTTP.send(HttpRequest.newBuilder(URI.create(base + pattern + "/_refresh?allow_no_indices=true"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + pattern
                + "/_count?allow_no_indices=true")).GET().build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = COUNT.matcher(r.body());
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** utime + stime of a live process. */
    static double cpuSeconds(long pid) throws IOException {
        String[] f = fields(Files.readString(Path.of("/proc/" + pid + "/stat")));
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS;
    }

    /** cutime + cstime: the CPU of the children a process has waited for. */
    static double childCpuSeconds(String stat) {
        String[] f = fields(stat);
        return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / (double) TICKS;
    }

    /** The fields after the command name (field 3 of proc(5) is index 0). */
    private static String[] fields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
    }

    private static double harnessCpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1e9;
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return v;
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    /**
     * Job records as the Fabstir encoder writes them (flat ECS names, own ULID-like {@code event.id}, UTC
     * microsecond {@code @timestamp}), about 690 bytes each, one millisecond apart ending at {@code end}.
     */
    static long writeRecords(Path file, int records, Instant end) throws IOException {
        Random r = new Random(42);
        String[] models = {"llama-3.1-8b-instruct", "mistral-7b-instruct-v0.3", "qwen2.5-14b-instruct",
            "sdxl-1.0-base"};
        Instant start = end.minusMillis(records);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < records; i++) {
                Instant t = start.plusMillis(i).plusNanos(r.nextInt(1000) * 1000L);
                String model = models[r.nextInt(models.length)];
                int tokens = 50 + r.nextInt(4000);
                int prompt = 20 + r.nextInt(1000);
                long ms = 200 + r.nextInt(20_000);
                int gpu = r.nextInt(4);
                String job = String.format(Locale.ROOT, "job-%04x-%07d", i * 7919 % 65536, i);
                w.write("{\"@timestamp\":\"" + micros(t) + "\",\"log.level\":\"INFO\",\"message\":\"job " + job
                        + " completed (model " + model + "): " + tokens + " tokens in " + ms + " ms on GPU " + gpu
                        + "\",\"log.logger\":\"io.fabstir.node.jobs.JobRunner\",\"process.thread.name\":\"gpu-worker-"
                        + gpu + "\",\"service.name\":\"fabstir-node\",\"service.version\":\"1.4.2\",\"event.id\":\""
                        + ulid(t.toEpochMilli(), r) + "\",\"event.dataset\":\"fabstir.job\","
                        + "\"event.action\":\"job.completed\",\"event.outcome\":\"success\",\"event.duration\":"
                        + ms * 1_000_000 + ",\"fabstir.job.id\":\"" + job + "\",\"fabstir.job.model\":\"" + model
                        + "\",\"fabstir.job.tokens_used\":" + tokens + ",\"fabstir.job.prompt_tokens\":" + prompt
                        + ",\"fabstir.gpu.index\":" + gpu + ",\"trace.id\":\"" + hex(r, 32) + "\",\"span.id\":\""
                        + hex(r, 16) + "\"}\n");
            }
        }
        return Files.size(file);
    }

    private static String micros(Instant t) {
        String s = t.toString(); // ISO; pad the fraction to six digits, the encoder's form
        int dot = s.indexOf('.');
        String frac = dot < 0 ? "" : s.substring(dot + 1, s.length() - 1);
        frac = (frac + "000000").substring(0, 6);
        return (dot < 0 ? s.substring(0, s.length() - 1) : s.substring(0, dot)) + "." + frac + "Z";
    }

    private static final char[] CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();

    private static String ulid(long ms, Random r) {
        char[] c = new char[26];
        for (int i = 9; i >= 0; i--) {
            c[i] = CROCKFORD[(int) (ms & 31)];
            ms >>>= 5;
        }
        for (int i = 10; i < 26; i++) {
            c[i] = CROCKFORD[r.nextInt(32)];
        }
        return new String(c);
    }

    private static String hex(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit(r.nextInt(16), 16));
        }
        return sb.toString();
    }
}
