package io.fabstir.localservices;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import kafka.tools.StorageTool;

/**
 * One KRaft node's files and, in child mode, its JVM: {@code server.properties}, the formatted log directory and
 * {@code broker.out}. Restarts keep the directory (and so the cluster id and the data).
 */
final class KafkaProcess {
    private final Path dir;
    private final String heap;
    private Process child;

    KafkaProcess(Path dir, String heap) {
        this.dir = dir;
        this.heap = heap;
    }

    Path dir() {
        return dir;
    }

    Path configFile() {
        return dir.resolve("server.properties");
    }

    Path output() {
        return dir.resolve("broker.out");
    }

    void writeConfig(Properties props) {
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(configFile())) {
                props.store(w, "local KRaft node");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes meta.properties and the bootstrap checkpoint unless the log dir is already formatted: formatting again
     * with a new cluster id would be rejected on restart.
     */
    void format(Path logDir, String clusterId, List<String> extraArgs) {
        if (Files.exists(logDir.resolve("meta.properties"))) return;
        List<String> args = new ArrayList<>(List.of("format", "-t", clusterId, "-c", configFile().toString(),
                "--ignore-formatted"));
        args.addAll(extraArgs);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(args.toArray(String[]::new), ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("kafka storage format failed (" + rc + "): " + out.toString(StandardCharsets.UTF_8));
        }
    }

    /** Launches the child JVM; returns at once (the caller waits for readiness). */
    synchronized void launch() {
        if (child != null && child.isAlive()) return;
        Path log4j2 = dir.resolve("log4j2.properties");
        Path logback = dir.resolve("logback.xml");
        try {
            Files.writeString(log4j2, "rootLogger.level = INFO\nrootLogger.appenderRef.out.ref = out\n"
                    + "appender.out.type = Console\nappender.out.name = out\n"
                    + "appender.out.layout.type = PatternLayout\nappender.out.layout.pattern = %d %p %c{1} %m%n\n"
                    + "logger.kafka.name = org.apache.kafka\nlogger.kafka.level = WARN\n");
            Files.writeString(logback, "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">"
                    + "<encoder><pattern>%d %level %logger{20} %msg%n</pattern></encoder></appender>"
                    + "<logger name=\"org.apache.kafka\" level=\"WARN\"/>"
                    + "<root level=\"INFO\"><appender-ref ref=\"out\"/></root></configuration>\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx" + heap);
        cmd.add("-XX:+UseSerialGC");
        // C1 only: a test broker lives for seconds to minutes, and C2's compile threads would compete for the two
        // cores with the other JVMs just when a cluster starts.
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog4j2.configurationFile=" + log4j2);
        cmd.add("-Dlogback.configurationFile=" + logback);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChildMain.class.getName());
        cmd.add(configFile().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output().toFile()));
        // stdin stays a pipe: the child exits when it reads EOF, i.e. when this JVM dies.
        try {
            child = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka child JVM", e);
        }
    }

    /** How many times the node logged that it started (a broker does so once the controller unfenced it). */
    int startedCount() {
        try {
            if (!Files.exists(output())) return 0;
            try (var lines = Files.lines(output(), StandardCharsets.UTF_8)) {
                return (int) lines.filter(l -> l.contains("Kafka Server started")).count();
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    synchronized boolean isAlive() {
        return child != null && child.isAlive();
    }

    synchronized long pid() {
        return child == null ? -1 : child.pid();
    }

    /** Fails with the node's last output lines if its JVM has exited. */
    synchronized void checkAlive() {
        if (child != null && !child.isAlive()) {
            throw new IllegalStateException("Kafka child exited with " + child.exitValue() + "; see " + output() + ":\n"
                    + LocalKafka.tail(output()));
        }
    }

    /** SIGKILL: no clean shutdown, like a power cut of the process. */
    synchronized void kill() {
        Process p = child;
        child = null;
        if (p == null) return;
        p.destroyForcibly();
        LocalKafka.waitFor(p, Duration.ofSeconds(30));
        closeStdin(p);
    }

    /** Graceful stop: SIGTERM, then SIGKILL after 30 s. */
    synchronized void stop() {
        Process p = child;
        child = null;
        if (p == null) return;
        // SIGTERM through the handle: Process.destroy() also closes the child's stdin, which ChildMain takes for
        // the parent's death and halts on, cutting the clean shutdown short.
        p.toHandle().destroy();
        if (!LocalKafka.waitFor(p, Duration.ofSeconds(30))) {
            p.destroyForcibly();
            LocalKafka.waitFor(p, Duration.ofSeconds(10));
        }
        closeStdin(p);
    }

    private static void closeStdin(Process p) {
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // the child is gone
        }
    }
}
