package io.fabstir.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * A real single-node KRaft Kafka broker (combined broker + controller), either inside this JVM or as a child JVM
 * that a test can SIGKILL and restart on the same log directory and ports. Open (PLAINTEXT) by default; with
 * {@link Builder#security(KafkaSecurity)} it listens on SASL_SSL and mTLS only, with ACLs ({@link #security()}).
 */
public final class LocalKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private enum Mode { IN_PROCESS, CHILD, EXTERNAL }

    private final Mode mode;
    private final Path dir;
    private final int partitions;
    private final KafkaSecurity security;
    private final KafkaProcess process;
    private int brokerPort;
    private int mtlsPort;
    private int controllerPort;
    private final String externalBootstrap;
    private SecureKafka secure;

    private KafkaRaftServer server;
    private Thread hook;

    private LocalKafka(Mode mode, Path dir, int partitions, String childHeap, String externalBootstrap,
                       KafkaSecurity security) {
        this.mode = mode;
        this.dir = dir == null ? null : dir.toAbsolutePath();
        this.partitions = partitions;
        this.externalBootstrap = externalBootstrap;
        this.security = security;
        // In-process mode uses it for the config file and formatting only.
        this.process = this.dir == null ? null : new KafkaProcess(this.dir, childHeap);
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
        return new LocalKafka(Mode.EXTERNAL, null, 1, null, bootstrap, null);
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
        private KafkaSecurity security;

        private Builder() {}

        public Builder dir(Path dir) { this.dir = dir; return this; }

        /** Run the broker in a child JVM instead of in this one. */
        public Builder childProcess(boolean childProcess) { this.childProcess = childProcess; return this; }

        /** {@code num.partitions} for auto-created topics (default 1). */
        public Builder partitions(int partitions) { this.partitions = partitions; return this; }

        /** -Xmx of the child JVM (default 512m). */
        public Builder childHeap(String heap) { this.childHeap = heap; return this; }

        /** Secured: SASL_SSL (SCRAM) and mTLS listeners, the StandardAuthorizer, no anonymous access. */
        public Builder security(KafkaSecurity security) { this.security = security; return this; }

        public LocalKafka start() {
            if (dir == null) throw new IllegalStateException("dir is required");
            LocalKafka k = new LocalKafka(childProcess ? Mode.CHILD : Mode.IN_PROCESS, dir, partitions, childHeap, null,
                    security);
            k.firstStart();
            return k;
        }
    }

    /** Where clients connect: the PLAINTEXT listener, or the SASL_SSL one when secured. */
    public String bootstrapServers() {
        return mode == Mode.EXTERNAL ? externalBootstrap : "127.0.0.1:" + brokerPort;
    }

    /** The client side of a secured broker: client properties per user, users, ACLs, quotas. */
    public SecureKafka security() {
        if (secure == null) throw new IllegalStateException("this broker is not secured (LocalKafka.Builder.security)");
        return secure;
    }

    /** True when started with {@link Builder#security(KafkaSecurity)}. */
    public boolean isSecured() {
        return security != null;
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
            createTopic(admin, name, partitions, (short) 1);
        }
    }

    static void createTopic(Admin admin, String name, int partitions, short replicationFactor) {
        try {
            try {
                admin.createTopics(List.of(new NewTopic(name, partitions, replicationFactor))).all().get(60, TimeUnit.SECONDS);
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
    static void awaitLeaders(Admin admin, String topic) throws Exception {
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
        process.kill();
    }

    /** Child mode: start again on the same log directory and ports. */
    public synchronized void start() {
        requireChild("start");
        if (process.isAlive()) return;
        startChild();
    }

    /** Child mode: graceful stop (SIGTERM, then SIGKILL after 30 s). */
    public synchronized void stop() {
        requireChild("stop");
        process.stop();
    }

    @Override
    public synchronized void close() {
        switch (mode) {
            case IN_PROCESS -> stopInProcess();
            case CHILD -> process.stop();
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
            int[] ports = FreePorts.next(3);
            brokerPort = ports[0];
            controllerPort = ports[1];
            mtlsPort = ports[2];
            try {
                if (mode == Mode.IN_PROCESS) startInProcess(); else startChild();
                if (security != null) {
                    secure = new SecureKafka(bootstrapServers(), "127.0.0.1:" + mtlsPort, security);
                }
                hook = new Thread(this::close, "local-kafka-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                return;
            } catch (RuntimeException e) {
                last = e;
                log.warn("Kafka start on ports {}/{} failed, retrying: {}", brokerPort, controllerPort, e.toString());
                if (mode == Mode.IN_PROCESS) stopInProcess(); else process.stop();
            }
        }
        throw last;
    }

    private Properties writeConfig() {
        Properties props = security == null
                ? KafkaSettings.render(dir.resolve("data"), brokerPort, controllerPort, partitions)
                : KafkaSettings.renderSecured(dir.resolve("data"), brokerPort, mtlsPort, controllerPort, partitions, security);
        process.writeConfig(props);
        return props;
    }

    private void format() {
        process.format(dir.resolve("data"), Uuid.randomUuid().toString(),
                security == null ? List.of() : security.formatArguments());
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
        process.launch();
        awaitReady(process);
        log.info("Kafka {} (child pid {}) ready at {} in {} ms, log dir {}", kafkaVersion(), process.pid(),
                bootstrapServers(), (System.nanoTime() - t0) / 1_000_000, dir);
    }

    private void awaitReady(KafkaProcess proc) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            if (proc != null) proc.checkAlive();
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
        if (security != null) {
            return Admin.create(new SecureKafka(bootstrapServers(), null, security).adminProperties());
        }
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

}
