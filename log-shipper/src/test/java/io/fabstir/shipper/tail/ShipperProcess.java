package io.fabstir.shipper.tail;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code fabstir-shipper tail} as a child JVM on the test classpath, so a test can SIGKILL or SIGTERM it. */
final class ShipperProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ShipperProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Waits until the shipper has opened at least one file (its log says "following"). */
    ShipperProcess awaitFollowing() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - deadline < 0) {
            if (java.nio.file.Files.exists(log) && java.nio.file.Files.readString(log).contains("following ")) {
                return this;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("shipper exited: " + java.nio.file.Files.readString(log));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("shipper did not open a file within 60 s");
    }

    static ShipperProcess start(Path workDir, String bootstrap, String topic, List<String> paths, String... extra)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                "io.fabstir.shipper.cli.FabstirShipper", "tail",
                "--node-id", "node-it", "--host-name", "it-host",
                "--bootstrap-servers", bootstrap, "--topic", topic,
                "--checkpoint-file", workDir.resolve("checkpoint.json").toString(),
                "--scan-interval-ms", "200", "--poll-interval-ms", "20", "--checkpoint-interval-ms", "200",
                "--rotate-grace-ms", "1000"));
        for (String p : paths) {
            cmd.add("--path");
            cmd.add(p);
        }
        cmd.addAll(List.of(extra));
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("shipper.log").toFile()));
        return new ShipperProcess(pb.start(), workDir.resolve("shipper.log"));
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no flush, no final checkpoint. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill9();
        }
    }
}
