package io.fabstir.shipper.tail;

import io.fabstir.localservices.SharedServices;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * End-to-end throughput of {@code fabstir-shipper tail} (file → enrich → Kafka, acks=all) next to Kafka's own
 * {@code kafka-producer-perf-test} sending the same enriched records with the same producer settings, in the same
 * run against the same broker. Not a test; run with:
 *
 * <pre>
 * mvn -B -ntp -Dbuild.out=target-tail -pl log-shipper/edge -am test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=$PWD/tail-bench.cp
 * java -cp log-shipper/edge/target-tail/test-classes:log-shipper/edge/target-tail/classes:$(cat tail-bench.cp) \
 *     io.fabstir.shipper.tail.TailThroughputBenchmark 300000
 * </pre>
 * (uses the shared local Kafka, or FABSTIR_KAFKA_BOOTSTRAP).
 */
public final class TailThroughputBenchmark {

    private static final String[] PRODUCER = {"acks=all", "enable.idempotence=true", "compression.type=lz4",
        "linger.ms=20", "batch.size=262144"};
    private static final String HEAP = "-Xmx256m";

    public static void main(String[] args) throws Exception {
        int lines = args.length > 0 ? Integer.parseInt(args[0]) : 400_000;
        String bootstrap = SharedServices.kafkaBootstrap();
        Path dir = Files.createTempDirectory("tail-bench");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path file = logs.resolve("node.json");
        long fileBytes = writeRecords(file, lines);
        System.out.printf("input: %d lines, %.1f MB, %.0f bytes/line%n", lines, fileBytes / 1e6,
                (double) fileBytes / lines);

        String tailTopic = "bench-tail-" + System.nanoTime();
        SharedServices.kafka().createTopic(tailTopic, 1);
        List<String> cmd = new ArrayList<>(List.of(java(), HEAP, "-cp", System.getProperty("java.class.path"),
                "io.fabstir.shipper.cli.FabstirShipper", "tail", "--node-id", "bench-node", "--host-name", "bench",
                "--bootstrap-servers", bootstrap, "--topic", tailTopic, "--path", logs + "/*.json",
                "--checkpoint-file", dir.resolve("checkpoint.json").toString()));
        for (String p : PRODUCER) {
            cmd.add("--producer-prop");
            cmd.add(p);
        }
        long startNanos = System.nanoTime();
        Process shipper = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("shipper.log").toFile()).start();
        Sample tail = measureUntilOffset(shipper, bootstrap, tailTopic, lines, startNanos);
        Path payloads = dir.resolve("payloads.txt");
        long valueBytes = samplePayloads(bootstrap, tailTopic, payloads, 20_000);
        shipper.destroy();
        shipper.waitFor();

        String perfTopic = "bench-perf-" + System.nanoTime();
        SharedServices.kafka().createTopic(perfTopic, 1);
        List<String> perf = new ArrayList<>(List.of(java(), HEAP, "-cp", System.getProperty("java.class.path"),
                "org.apache.kafka.tools.ProducerPerformance", "--topic", perfTopic, "--num-records",
                String.valueOf(lines), "--throughput", "-1", "--payload-file", payloads.toString(),
                "--command-property", "bootstrap.servers=" + bootstrap));
        perf.addAll(List.of(PRODUCER)); // --command-property takes several name=value arguments
        long perfStart = System.nanoTime();
        Process perfProc = new ProcessBuilder(perf).redirectErrorStream(true)
                .redirectOutput(dir.resolve("perf.log").toFile()).start();
        Sample ceiling = measureUntilOffset(perfProc, bootstrap, perfTopic, lines, perfStart);
        perfProc.waitFor();
        String perfLine = Files.readAllLines(dir.resolve("perf.log")).stream()
                .filter(l -> l.contains("records sent")).reduce((a, b) -> b).orElse("(no summary)");

        double tailSecs = tail.seconds();
        System.out.println();
        System.out.printf("avg enriched value: %d bytes (input line %.0f bytes)%n", valueBytes,
                (double) fileBytes / lines);
        System.out.println("| run | records/s | input MB/s | Kafka value MB/s | CPU (cores) | heap used max / -Xmx | peak RSS |");
        System.out.println("|---|---|---|---|---|---|---|");
        System.out.printf("| fabstir-shipper tail (file → Kafka) | %,.0f | %.1f | %.1f | %.2f | %d MB / 256 MB | %d MB |%n",
                lines / tailSecs, fileBytes / 1e6 / tailSecs, (double) valueBytes * lines / 1e6 / tailSecs,
                tail.cpuCores(), tail.heapMaxMb, tail.rssMb);
        System.out.printf("| kafka-producer-perf-test (same records) | %,.0f | – | %.1f | %.2f | %d MB / 256 MB | %d MB |%n",
                lines / ceiling.seconds(), (double) valueBytes * lines / 1e6 / ceiling.seconds(),
                ceiling.cpuCores(), ceiling.heapMaxMb, ceiling.rssMb);
        System.out.println("perf-test's own summary: " + perfLine);
        System.out.printf("shipper: first record in Kafka %.1f s after launch (JVM start + scan)%n",
                tail.firstRecordAfterLaunch);
        System.exit(0); // the shared in-process broker keeps non-daemon threads; its shutdown hook stops it
    }

    /** Sampled from /proc and jstat while the process works, between its first and last record in Kafka. */
    static final class Sample {
        double t0;
        double t1;
        double cpu0;
        double cpu1;
        long heapMaxMb;
        long rssMb;
        double firstRecordAfterLaunch;

        double seconds() {
            return t1 - t0;
        }

        double cpuCores() {
            return (cpu1 - cpu0) / seconds();
        }
    }

    static Sample measureUntilOffset(Process p, String bootstrap, String topic, long target, long launch)
            throws Exception {
        Sample s = new Sample();
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
            int tick = 0;
            while (System.nanoTime() < deadline) {
                // alive is read before the offset: a sender that exits after its last ack is then judged on a
                // fresh offset (read after, a stale offset of the moment before the exit failed the run)
                boolean alive = p.isAlive();
                long end = c.endOffsets(List.of(tp)).get(tp);
                double now = System.nanoTime() / 1e9;
                if (s.t0 == 0 && end > 0) {
                    s.t0 = now;
                    s.cpu0 = cpuSeconds(p.pid());
                    s.firstRecordAfterLaunch = now - launch / 1e9;
                }
                if (tick++ % 5 == 0 && p.isAlive()) {
                    s.heapMaxMb = Math.max(s.heapMaxMb, heapUsedMb(p.pid()));
                }
                if (p.isAlive()) {
                    s.rssMb = Math.max(s.rssMb, rssMb(p.pid()));
                    if (s.t0 > 0) {
                        s.cpu1 = cpuSeconds(p.pid());
                    }
                }
                if (end >= target) {
                    s.t1 = now;
                    return s;
                }
                if (!alive) {
                    throw new IllegalStateException("process exited with " + p.exitValue() + " at offset " + end);
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("did not reach " + target + " records in " + topic);
    }

    static long writeRecords(Path file, int lines) throws IOException {
        Random r = new Random(42);
        String[] models = {"llama-3-8b", "mistral-7b", "qwen2-72b", "sdxl-1.0"};
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < lines; i++) {
                String model = models[r.nextInt(models.length)];
                long durationMs = 200 + r.nextInt(20_000);
                // The encoder's own form: UTC with microseconds.
                w.write("{\"@timestamp\":\"2026-11-24T07:" + String.format("%02d:%02d.%03d%03d", (i / 60_000) % 60,
                        (i / 1000) % 60, i % 1000, i % 997) + "Z\",\"log.level\":\"INFO\",\"message\":\"job j-" + i
                        + " completed with model " + model + " in " + durationMs + " ms\",\"log.logger\":"
                        + "\"io.fabstir.node.jobs.JobRunner\",\"process.thread.name\":\"gpu-worker-"
                        + r.nextInt(8) + "\",\"service.name\":\"fabstir-node\",\"service.version\":\"1.4.2\","
                        + "\"event.id\":\"01JDBENCH" + String.format("%017d", i) + "\",\"event.dataset\":"
                        + "\"fabstir.job\",\"event.action\":\"job.completed\",\"event.outcome\":\"success\","
                        + "\"event.duration\":" + durationMs * 1_000_000 + ",\"fabstir.job.id\":\"j-" + i
                        + "\",\"fabstir.job.model\":\"" + model + "\",\"fabstir.job.tokens_used\":"
                        + r.nextInt(4096) + ",\"trace.id\":\"" + hex(r, 32) + "\",\"span.id\":\"" + hex(r, 16)
                        + "\"}\n");
            }
        }
        return Files.size(file);
    }

    private static String hex(Random r, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit(r.nextInt(16), 16));
        }
        return sb.toString();
    }

    /** Writes up to {@code max} of the shipped values, one per line, as perf-test payloads; returns the mean size. */
    private static long samplePayloads(String bootstrap, String topic, Path out, int max) throws IOException {
        TopicPartition tp = new TopicPartition(topic, 0);
        long total = 0;
        int n = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
             BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            while (n < max) {
                var batch = c.poll(Duration.ofSeconds(2));
                if (batch.isEmpty()) {
                    break;
                }
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    if (n++ >= max) {
                        break;
                    }
                    total += r.value().length;
                    w.write(new String(r.value(), StandardCharsets.UTF_8));
                    w.write('\n');
                }
            }
        }
        return n == 0 ? 0 : total / Math.min(n, max);
    }

    static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // utime + stime, USER_HZ = 100
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long rssMb(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone
        }
        return 0;
    }

    /** Eden + survivors + old generation in use, from {@code jstat -gc}. */
    static long heapUsedMb(long pid) {
        try {
            Process p = new ProcessBuilder("jstat", "-gc", String.valueOf(pid)).redirectErrorStream(true).start();
            List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
            p.waitFor();
            if (out.size() < 2) {
                return 0;
            }
            String[] h = out.get(0).trim().split("\\s+");
            String[] v = out.get(1).trim().split("\\s+");
            double kb = 0;
            for (int i = 0; i < h.length && i < v.length; i++) {
                if (h[i].equals("S0U") || h[i].equals("S1U") || h[i].equals("EU") || h[i].equals("OU")) {
                    kb += Double.parseDouble(v[i]);
                }
            }
            return (long) (kb / 1024);
        } catch (IOException | RuntimeException | InterruptedException e) {
            return 0;
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
