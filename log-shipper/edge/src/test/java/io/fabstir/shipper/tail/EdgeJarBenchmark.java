package io.fabstir.shipper.tail;

import io.fabstir.localservices.SharedServices;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The edge as it is deployed: {@code java <flags> -jar <jar> tail} over the same file of encoder-style job records,
 * for each jar given (e.g. the old all-in-one {@code fabstir-shipper.jar} and {@code fabstir-shipper-edge.jar}),
 * alternating so that load on a shared machine falls on both. Reports the jar's size, its start-up to a printed
 * {@code --version} (median of 5), the time from launch to the first record in Kafka, the rate and CPU per record
 * over the whole file, and the peak RSS ({@code VmHWM}) at that full rate. Not a test; run with:
 *
 * <pre>
 * mvn -B -ntp -Dbuild.out=target-tail -pl log-shipper/edge -am test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=$PWD/tail-bench.cp
 * java -Dedge.jvm="-Xmx64m -XX:+UseSerialGC" \
 *     -cp log-shipper/edge/target-tail/test-classes:$(cat tail-bench.cp) io.fabstir.shipper.tail.EdgeJarBenchmark \
 *     300000 2 before=/path/to/old/fabstir-shipper.jar after=log-shipper/edge/target/fabstir-shipper-edge.jar
 * </pre>
 * (arguments: lines, rounds, then label=jar; uses the shared local Kafka, or FABSTIR_KAFKA_BOOTSTRAP).
 */
public final class EdgeJarBenchmark {

    public static void main(String[] args) throws Exception {
        int lines = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<String> jvm = Arrays.asList(System.getProperty("edge.jvm", "-Xmx64m -XX:+UseSerialGC").trim().split("\\s+"));
        String bootstrap = SharedServices.kafkaBootstrap();
        Path dir = Files.createTempDirectory("edge-bench");
        Path logs = Files.createDirectories(dir.resolve("logs"));
        long fileBytes = TailThroughputBenchmark.writeRecords(logs.resolve("node.json"), lines);
        System.out.printf("input: %d lines, %.1f MB; JVM flags %s%n", lines, fileBytes / 1e6, jvm);
        System.out.println("| round | jar | size MB | --version s | first record s | records/s | CPU µs/record | heap max MB | peak RSS MB |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int round = 1; round <= rounds; round++) {
            for (int i = 2; i < args.length; i++) {
                String label = args[i].substring(0, args[i].indexOf('='));
                Path jar = Path.of(args[i].substring(args[i].indexOf('=') + 1));
                double version = versionSeconds(jvm, jar);
                String topic = "bench-edge-" + System.nanoTime();
                SharedServices.kafka().createTopic(topic, 1);
                List<String> cmd = new ArrayList<>(List.of(TailThroughputBenchmark.java()));
                cmd.addAll(jvm);
                cmd.addAll(List.of("-jar", jar.toString(), "tail", "--node-id", "bench-node", "--host-name", "bench",
                        "--bootstrap-servers", bootstrap, "--topic", topic, "--path", logs + "/*.json",
                        "--checkpoint-file", dir.resolve(topic + ".checkpoint.json").toString()));
                long launch = System.nanoTime();
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dir.resolve(topic + ".log").toFile()).start();
                TailThroughputBenchmark.Sample s =
                        TailThroughputBenchmark.measureUntilOffset(p, bootstrap, topic, lines, launch);
                p.destroy();
                p.waitFor();
                double cpuUsPerRecord = (s.cpu1 - s.cpu0) * 1e6 / lines;
                System.out.printf("| %d | %s | %.1f | %.2f | %.1f | %,.0f | %.1f | %d | %d |%n", round, label,
                        Files.size(jar) / 1e6, version, s.firstRecordAfterLaunch, lines / s.seconds(), cpuUsPerRecord,
                        s.heapMaxMb, s.rssMb);
            }
        }
        System.exit(0); // the shared in-process broker keeps non-daemon threads
    }

    /** Median wall time of {@code java <flags> -jar <jar> --version}: JVM start, jar open, command frame. */
    private static double versionSeconds(List<String> jvm, Path jar) throws Exception {
        double[] t = new double[5];
        for (int i = 0; i < t.length; i++) {
            List<String> cmd = new ArrayList<>(List.of(TailThroughputBenchmark.java()));
            cmd.addAll(jvm);
            cmd.addAll(List.of("-jar", jar.toString(), "--version"));
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(jar + " --version exited with " + p.exitValue());
            }
            t[i] = (System.nanoTime() - t0) / 1e9;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }
}
