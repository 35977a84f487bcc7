package io.fabstir.shipper.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A shipper process ({@code fabstir-shipper tail}, {@code index}, or the Loki sink) as a child JVM on the test
 * classpath, so a test can SIGKILL or SIGTERM it. Every one started is also killed by a shutdown hook of the test
 * JVM, and halts by itself when the test JVM dies ({@link ParentWatchdog}), so none is ever left behind.
 */
public final class ShipperProcess implements AutoCloseable {
    private static final Set<ShipperProcess> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(p -> p.process.destroyForcibly()),
                "shipper-processes-kill"));
    }

    private final String name;
    private final Process process;
    private final Path log;
    private volatile boolean stoppedByTest;

    private ShipperProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /** {@code tail} of {@code paths} into {@code topic}; checkpoint and log ({@code shipper.log}) in workDir. */
    public static ShipperProcess start(Path workDir, String bootstrap, String topic, List<String> paths, String... extra)
            throws IOException {
        List<String> args = tailArgs("node-it", "it-host", bootstrap, topic, workDir.resolve("checkpoint.json"), paths);
        args.addAll(List.of(extra));
        return builder("tail").args(args).log(workDir.resolve("shipper.log")).start();
    }

    /** The arguments of a {@code tail} with short scan, poll, checkpoint and rotation intervals (tests are brief). */
    public static List<String> tailArgs(String nodeId, String hostName, String bootstrap, String topic, Path checkpoint,
                                        List<String> paths) {
        List<String> args = new ArrayList<>(List.of("tail",
                "--node-id", nodeId, "--host-name", hostName,
                "--bootstrap-servers", bootstrap, "--topic", topic,
                "--checkpoint-file", checkpoint.toString(),
                "--scan-interval-ms", "200", "--poll-interval-ms", "20", "--checkpoint-interval-ms", "200",
                "--rotate-grace-ms", "1000"));
        for (String p : paths) {
            args.add("--path");
            args.add(p);
        }
        return args;
    }

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** How to launch one child. */
    public static final class Builder {
        private final String name;
        private String mainClass = ShipperMain.class.getName();
        private String heap = "128m";
        private final List<String> args = new ArrayList<>();
        private Path log;

        private Builder(String name) {
            this.name = name;
        }

        /** Default {@link ShipperMain} (the CLI); e.g. {@link LokiSinkMain} for the Loki sink. */
        public Builder main(Class<?> main) {
            this.mainClass = main.getName();
            return this;
        }

        public Builder heap(String heap) {
            this.heap = heap;
            return this;
        }

        public Builder args(List<String> more) {
            args.addAll(more);
            return this;
        }

        /** stdout and stderr, appended (a restarted process keeps writing to the same file). */
        public Builder log(Path log) {
            this.log = log;
            return this;
        }

        public ShipperProcess start() throws IOException {
            if (log == null) {
                throw new IllegalStateException("log is required");
            }
            List<String> cmd = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + heap, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-cp", System.getProperty("java.class.path"), mainClass));
            cmd.addAll(args);
            Files.createDirectories(log.toAbsolutePath().getParent());
            // stdin stays a pipe: the child's watchdog halts it when the pipe closes.
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            ShipperProcess p = new ShipperProcess(name, pb.start(), log);
            RUNNING.add(p);
            p.process.onExit().thenRun(() -> RUNNING.remove(p));
            return p;
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Exited without this test having killed or stopped it (a crash); false while it runs. */
    public boolean exitedByItself() {
        return !process.isAlive() && !stoppedByTest;
    }

    /** Exit code, or -1 while running. */
    public int exitCode() {
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** Waits until the tail has opened at least one file (its log says "following"). */
    public ShipperProcess awaitFollowing() throws IOException, InterruptedException {
        return awaitLog("following ", Duration.ofSeconds(60));
    }

    /** Waits until the log contains {@code text}; fails if the process exits first or time runs out. */
    public ShipperProcess awaitLog(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            if (Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
                return this;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited (" + process.exitValue() + "): " + logTail(40));
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " did not log '" + text + "' within " + timeout + ": " + logTail(40));
    }

    /** The last lines of the process's log (for failure messages). */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(" + log + " unreadable: " + e + ")";
        }
    }

    /** SIGKILL: no shutdown hook, no flush, no final checkpoint. */
    public void kill9() throws InterruptedException {
        stoppedByTest = true;
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait; returns the exit code (-1 if it had to be killed after 60 s). */
    public int terminate() throws InterruptedException {
        stoppedByTest = true;
        // Not Process.destroy(): it also closes the child's stdin, which the watchdog takes for the parent's death.
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
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

    @Override
    public String toString() {
        return name + "(pid " + process.pid() + (process.isAlive() ? "" : ", exited " + process.exitValue()) + ")";
    }
}
