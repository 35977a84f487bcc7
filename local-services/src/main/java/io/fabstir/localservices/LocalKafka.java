package io.fabstir.localservices;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;

/**
 * A real single-node KRaft Kafka broker (combined broker + controller), either inside this JVM or as a child JVM
 * that a test can SIGKILL and restart on the same log directory and ports.
 */
public final class LocalKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private enum Mode { IN_PROCESS, CHILD, EXTERNAL }

    private final Mode mode;
    private final Path dir;
    private final int partitions;
    private final String childHeap;
    private int brokerPort;
    private int controllerPort;
    private final String externalBootstrap;

    private KafkaRaftServer server;
    private Process child;
    private Thread hook;

    private LocalKafka(Mode mode, Path dir, int partitions, String childHeap, String externalBootstrap) {
        this.mode = mode;
        this.dir = dir == null ? null : dir.toAbsolutePath();
        this.partitions = partitions;
        this.childHeap = childHeap;
        this.externalBootstrap = externalBootstrap;
    }

    /** Starts a broker inside this JVM, storing its log in {@code dir}. */
    public static LocalKafka inProcess(Path dir) {
        return builder().dir(dir).start();
    }

    /** Starts a broker in a child JVM (killable with {@link #kill()}), storing its log in {@code dir}. */
    public static LocalKafka childProcess(Path dir) {
        return builder().dir(dir).childProcess(true).start();
    }

    /** An already running cluster; lifecycle calls are refused. */
    static LocalKafka external(String bootstrap) {
        return new LocalKafka(Mode.EXTERNAL, null, 1, null, bootstrap);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options for a local broker. */
    public static final class Builder {
        private Path dir;
        private boolean childProcess;
        private int partitions = 1;
        private String childHeap = "512m";

        private Builder() {}

        public Builder dir(Path dir) { this.dir = dir; return this; }

        /** Run the broker in a child JVM instead of in this one. */
        public Builder childProcess(boolean childProcess) { this.childProcess = childProcess; return this; }

        /** {@code num.partitions} for auto-created topics (default 1). */
        public Builder partitions(int partitions) { this.partitions = partitions; return this; }

        /** -Xmx of the child JVM (default 512m). */
        public Builder childHeap(String heap) { this.childHeap = heap; return this; }

        public LocalKafka start() {
            if (dir == null) throw new IllegalStateException("dir is required");
            LocalKafka k = new LocalKafka(childProcess ? Mode.CHILD : Mode.IN_PROCESS, dir, partitions, childHeap, null);
            k.firstStart();
            return k;
        }
    }

    public String bootstrapServers() {
        return mode == Mode.EXTERNAL ? externalBootstrap : "127.0.0.1:" + brokerPort;
    }

    /** True when this broker runs in a child JVM. */
    public boolean isChildProcess() {
        return mode == Mode.CHILD;
    }

    /**
     * Creates a topic (replication 1) and returns once the broker leads every partition; a topic that already
     * exists is left as it is.
     */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause(), e.getCause());
                }
            }
            awaitLeaders(admin, name);
        } catch (IllegalStateException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name + ": " + e, e);
        }
    }

    /*
     * The controller acknowledges a new topic before the broker has created its partitions. An idempotent producer
     * that sends in that window gets NOT_LEADER_OR_FOLLOWER for its first batch while a later batch may be accepted
     * first; the retried first batch is then out of order forever (OUT_OF_ORDER_SEQUENCE_NUMBER). The metadata
     * (describeTopics) shows a leader before the partition's log exists, so ask the partition itself: ListOffsets
     * is answered by the leader's replica manager only once the log is there.
     */
    private static void awaitLeaders(Admin admin, String topic) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                var description = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                description.partitions().forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
                admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException notYet) {
                // unknown topic or not leader yet
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " has no live leader for every partition after 60 s");
            }
            sleep(50);
        }
    }

    /** Child mode: SIGKILL the broker JVM (no clean shutdown, like a power cut of the process). */
    public synchronized void kill() {
        requireChild("kill");
        if (child != null) {
            child.destroyForcibly();
            waitFor(child, Duration.ofSeconds(30));
            child = null;
        }
    }

    /** Child mode: start again on the same log directory and ports. */
    public synchronized void start() {
        requireChild("start");
        if (child != null && child.isAlive()) return;
        startChild();
    }

    /** Child mode: graceful stop (SIGTERM, then SIGKILL after 30 s). */
    public synchronized void stop() {
        requireChild("stop");
        stopChild();
    }

    @Override
    public synchronized void close() {
        switch (mode) {
            case IN_PROCESS -> stopInProcess();
            case CHILD -> stopChild();
            case EXTERNAL -> { }
        }
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // already running the hooks
            }
            hook = null;
        }
    }

    private void requireChild(String op) {
        if (mode != Mode.CHILD) {
            throw new UnsupportedOperationException(op + "() needs a child-process broker; this one is "
                    + (mode == Mode.EXTERNAL ? "external (" + externalBootstrap + ")" : "in-process"));
        }
    }

    private synchronized void firstStart() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RuntimeException last = null;
        // Ports are free when chosen but another process may grab them first: try a few times.
        for (int attempt = 0; attempt < 3; attempt++) {
            int[] ports = FreePorts.next(2);
            brokerPort = ports[0];
            controllerPort = ports[1];
            try {
                if (mode == Mode.IN_PROCESS) startInProcess(); else startChild();
                hook = new Thread(this::close, "local-kafka-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                return;
            } catch (RuntimeException e) {
                last = e;
                log.warn("Kafka start on ports {}/{} failed, retrying: {}", brokerPort, controllerPort, e.toString());
                if (mode == Mode.IN_PROCESS) stopInProcess(); else stopChild();
            }
        }
        throw last;
    }

    private Path configFile() {
        return dir.resolve("server.properties");
    }

    private Properties writeConfig() {
        Properties props = KafkaSettings.render(dir.resolve("data"), brokerPort, controllerPort, partitions);
        try (Writer w = Files.newBufferedWriter(configFile())) {
            props.store(w, "local single-node KRaft broker");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    /** Writes meta.properties and the bootstrap checkpoint unless the log dir is already formatted. */
    private void format() {
        // A restart keeps the existing cluster id: formatting again with a new one would be rejected.
        if (Files.exists(dir.resolve("data").resolve("meta.properties"))) return;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc;
        try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            rc = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                    "-c", configFile().toString(), "--ignore-formatted"}, ps);
        }
        if (rc != 0) {
            throw new IllegalStateException("kafka storage format failed (" + rc + "): " + out.toString(StandardCharsets.UTF_8));
        }
    }

    private void startInProcess() {
        long t0 = System.nanoTime();
        Properties props = writeConfig();
        format();
        server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
        server.startup();
        awaitReady(null);
        log.info("Kafka {} (in-process) ready at {} in {} ms, log dir {}", kafkaVersion(), bootstrapServers(),
                (System.nanoTime() - t0) / 1_000_000, dir);
    }

    private void stopInProcess() {
        KafkaRaftServer s = server;
        server = null;
        if (s == null) return;
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("in-process Kafka shutdown: {}", e.toString());
        }
    }

    private void startChild() {
        long t0 = System.nanoTime();
        writeConfig();
        format();
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
        cmd.add("-Xmx" + childHeap);
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Djava.awt.headless=true");
        cmd.add("-Dlog4j2.configurationFile=" + log4j2);
        cmd.add("-Dlogback.configurationFile=" + logback);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChildMain.class.getName());
        cmd.add(configFile().toString());
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("broker.out").toFile()));
        // stdin stays a pipe: the child exits when it reads EOF, i.e. when this JVM dies.
        try {
            child = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Kafka child JVM", e);
        }
        awaitReady(child);
        log.info("Kafka {} (child pid {}) ready at {} in {} ms, log dir {}", kafkaVersion(), child.pid(),
                bootstrapServers(), (System.nanoTime() - t0) / 1_000_000, dir);
    }

    private void stopChild() {
        Process p = child;
        child = null;
        if (p == null) return;
        // SIGTERM through the handle: Process.destroy() also closes the child's stdin, which ChildMain takes for
        // the parent's death and halts on, cutting the clean shutdown short.
        p.toHandle().destroy();
        if (!waitFor(p, Duration.ofSeconds(30))) {
            p.destroyForcibly();
            waitFor(p, Duration.ofSeconds(10));
        }
        closeQuietly(p.getOutputStream());
    }

    private void awaitReady(Process proc) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (proc != null && !proc.isAlive()) {
                throw new IllegalStateException("Kafka child exited with " + proc.exitValue() + "; see "
                        + dir.resolve("broker.out") + ":\n" + tail(dir.resolve("broker.out")));
            }
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) return;
            } catch (Exception e) {
                last = e;
            }
            sleep(100);
        }
        throw new IllegalStateException("Kafka not ready at " + bootstrapServers() + " within " + READY_TIMEOUT, last);
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000));
    }

    static String kafkaVersion() {
        return org.apache.kafka.common.utils.AppInfoParser.getVersion();
    }

    static String tail(Path file) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    static boolean waitFor(Process p, Duration d) {
        try {
            return p.waitFor(d.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void closeQuietly(OutputStream s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // the child is gone
        }
    }
}
