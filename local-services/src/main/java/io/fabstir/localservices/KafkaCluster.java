package io.fabstir.localservices;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabstir.localservices.net.TcpProxy;

/**
 * A real KRaft cluster on loopback: {@code n} brokers (ids 1..n, default 3) and one dedicated controller (id
 * {@value #CONTROLLER_ID}), each a child JVM that dies with this one. Topics default to replication factor 3 with
 * {@code min.insync.replicas=2}. Open (PLAINTEXT) or secured like {@link LocalKafka} ({@link Builder#security}).
 *
 * <p>Every broker is reached only through loopback proxies ({@link TcpProxy}): its client listener(s) as
 * advertised to clients and the other brokers, and its own link to the controller. That is what
 * {@link #isolate(int)} cuts. A dedicated controller (as production KRaft runs) keeps the quorum out of the way: a
 * broker killed or isolated never takes the controller with it.
 *
 * <p>What a test can rely on (broker.session.timeout.ms = 6 s, replica.lag.time.max.ms = 10 s):
 * <ul>
 *   <li>{@link #kill(int)} (SIGKILL) or {@link #isolate(int)}: within about 6 s the controller fences the broker; the
 *       partitions it led get a new leader from their ISR and it leaves every ISR (which stays at 2 =
 *       {@code min.insync.replicas}, so {@code acks=all} writes go on). Clients connected to an isolated broker
 *       hear nothing until their {@code request.timeout.ms} (lower it from 30 s in tests), then refresh metadata
 *       and move to the new leaders; a killed broker's connections are closed at once.</li>
 *   <li>{@link #start(int)} after a kill, or {@link #heal(int)}: the broker registers again (same id, same log
 *       dir), catches up and rejoins the ISRs ({@link #awaitInSync}). Leadership does not move back by itself
 *       before the preferred-leader check (every 5 min).</li>
 *   <li>Two brokers down: ISR 1 &lt; 2, so {@code acks=all} producers get NOT_ENOUGH_REPLICAS until one returns.</li>
 * </ul>
 */
public final class KafkaCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
    public static final int CONTROLLER_ID = 100;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final Path dir;
    private final int size;
    private final int partitions;
    private final String heap;
    private final KafkaSecurity security;
    private final String clusterId = Uuid.randomUuid().toString();
    private KafkaProcess controller;
    private SecureKafka secure;
    private final Map<Integer, Broker> brokers = new HashMap<>();
    private Thread hook;

    /** A broker's process, the ports it binds, and its proxies. */
    private record Broker(int id, KafkaProcess process, List<TcpProxy> listenerProxies, TcpProxy controllerProxy) {
        List<TcpProxy> allProxies() {
            List<TcpProxy> all = new ArrayList<>(listenerProxies);
            all.add(controllerProxy);
            return all;
        }
    }

    private KafkaCluster(Path dir, int size, int partitions, String heap, KafkaSecurity security) {
        this.dir = dir.toAbsolutePath();
        this.size = size;
        this.partitions = partitions;
        this.heap = heap;
        this.security = security;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a local cluster. */
    public static final class Builder {
        private Path dir;
        private int brokers = 3;
        private int partitions = 3;
        private String heap = "256m";
        private KafkaSecurity security;

        private Builder() {}

        /** Where every node keeps its config, logs and output ({@code controller/}, {@code broker-<id>/}). */
        public Builder dir(Path dir) { this.dir = dir; return this; }

        /** Number of brokers (default 3; replication factor and min ISR follow: min(3, n) and min(2, n)). */
        public Builder brokers(int brokers) { this.brokers = brokers; return this; }

        /** {@code num.partitions} of auto-created topics (default 3). */
        public Builder partitions(int partitions) { this.partitions = partitions; return this; }

        /** -Xmx of each broker JVM (default 256m; the controller gets 192m). */
        public Builder brokerHeap(String heap) { this.heap = heap; return this; }

        /** Secured like {@link LocalKafka.Builder#security}: SASL_SSL and mTLS listeners, ACLs. */
        public Builder security(KafkaSecurity security) { this.security = security; return this; }

        public KafkaCluster start() {
            if (dir == null) throw new IllegalStateException("dir is required");
            if (brokers < 1) throw new IllegalArgumentException("brokers must be at least 1");
            KafkaCluster c = new KafkaCluster(dir, brokers, partitions, heap, security);
            try {
                c.startAll();
            } catch (RuntimeException e) {
                c.close();
                throw e;
            }
            return c;
        }
    }

    /** The client listener of every broker, through its proxy: PLAINTEXT, or SASL_SSL when secured. */
    public String bootstrapServers() {
        return brokers.values().stream().sorted((a, b) -> a.id - b.id).map(b -> b.listenerProxies.get(0).address())
                .collect(Collectors.joining(","));
    }

    /** Properties for an open cluster's clients (bootstrap servers); for a secured one see {@link #security()}. */
    public Map<String, Object> clientProperties() {
        if (security != null) throw new IllegalStateException("secured cluster: use security().clientProperties(user)");
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return p;
    }

    /** The client side of a secured cluster (users, ACLs, quotas, client properties). */
    public synchronized SecureKafka security() {
        if (security == null) throw new IllegalStateException("this cluster is not secured (KafkaCluster.Builder.security)");
        if (secure == null) {
            String mtls = brokers.values().stream().sorted((a, b) -> a.id - b.id)
                    .map(b -> b.listenerProxies.get(1).address()).collect(Collectors.joining(","));
            // One instance: it remembers the passwords of users added at run time.
            secure = new SecureKafka(bootstrapServers(), mtls, security);
        }
        return secure;
    }

    /** Broker ids, 1..n. */
    public List<Integer> brokerIds() {
        return brokers.keySet().stream().sorted().toList();
    }

    /** A new admin client (the super user when secured); the caller closes it. */
    public Admin admin() {
        Map<String, Object> p = security == null ? clientProperties() : security().adminProperties();
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        // An isolated broker accepts connections and then says nothing: give up on it after 2 s, not 10.
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 2_000);
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2_000);
        return Admin.create(p);
    }

    /** Creates a topic with replication factor min(3, n) and waits until every partition has a live leader. */
    public void createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            LocalKafka.createTopic(admin, name, partitions, (short) Math.min(3, size));
        }
    }

    /** The current leader of a partition (-1 when it has none). */
    public int leader(String topic, int partition) {
        TopicPartitionInfo p = describe(topic).partitions().get(partition);
        return p.leader() == null ? -1 : p.leader().id();
    }

    /** The current in-sync replicas of a partition. */
    public Set<Integer> isr(String topic, int partition) {
        return describe(topic).partitions().get(partition).isr().stream().map(Node::id).collect(Collectors.toSet());
    }

    /** Waits until every partition of the topic has all its replicas in sync. */
    public void awaitInSync(String topic, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        TopicDescription d = null;
        while (System.nanoTime() < deadline) {
            d = describe(topic);
            if (d.partitions().stream().allMatch(p -> p.isr().size() == p.replicas().size())) return;
            LocalKafka.sleep(200);
        }
        throw new IllegalStateException("topic " + topic + " not fully in sync after " + timeout + ": " + d);
    }

    /** SIGKILL of a broker's JVM. */
    public void kill(int brokerId) {
        broker(brokerId).process.kill();
        log.info("Kafka broker {} killed", brokerId);
    }

    /** Whether the broker's JVM runs (an isolated broker runs; a killed or stopped one does not). */
    public boolean isRunning(int brokerId) {
        return broker(brokerId).process.isAlive();
    }

    /** Graceful stop of a broker (controlled shutdown: its leaderships move first). */
    public void stop(int brokerId) {
        broker(brokerId).process.stop();
    }

    /** Starts a stopped or killed broker on its log dir and waits until the controller has it unfenced again. */
    public void start(int brokerId) {
        Broker b = broker(brokerId);
        long t0 = System.nanoTime();
        // Restarted within the session timeout, the old registration still looks alive: wait for this run's own
        // "started" line (logged once the broker is unfenced) as well.
        int startsBefore = b.process.startedCount();
        b.process.launch();
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (b.process.startedCount() <= startsBefore) {
            b.process.checkAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("broker " + brokerId + " not started within " + READY_TIMEOUT
                        + "; see " + b.process.output());
            }
            LocalKafka.sleep(100);
        }
        awaitBrokers(Set.of(brokerId), List.of(b.process));
        log.info("Kafka broker {} back in {} ms", brokerId, (System.nanoTime() - t0) / 1_000_000);
    }

    /**
     * Cuts a broker off: its listeners (for clients and the other brokers) and its link to the controller go silent,
     * as in a network partition that drops packets. The broker itself keeps running.
     */
    public void isolate(int brokerId) {
        broker(brokerId).allProxies().forEach(TcpProxy::blackhole);
        log.info("Kafka broker {} isolated", brokerId);
    }

    /** Isolates a broker and heals it after {@code duration}, from a daemon thread; returns at once. */
    public void isolate(int brokerId, Duration duration) {
        isolate(brokerId);
        Thread t = new Thread(() -> {
            LocalKafka.sleep(duration.toMillis());
            heal(brokerId);
        }, "kafka-heal-" + brokerId);
        t.setDaemon(true);
        t.start();
    }

    /** Ends {@link #isolate(int)}: held traffic flows again. */
    public void heal(int brokerId) {
        broker(brokerId).allProxies().forEach(TcpProxy::restore);
        log.info("Kafka broker {} healed", brokerId);
    }

    /** The folder of a broker (its {@code broker.out} tells what it did). */
    public Path brokerDir(int brokerId) {
        return broker(brokerId).process.dir();
    }

    @Override
    public synchronized void close() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (Broker b : brokers.values()) stops.add(CompletableFuture.runAsync(b.process::stop));
        stops.forEach(CompletableFuture::join);
        if (controller != null) controller.stop();
        for (Broker b : brokers.values()) b.allProxies().forEach(TcpProxy::close);
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // hooks are running
            }
            hook = null;
        }
    }

    private Broker broker(int id) {
        Broker b = brokers.get(id);
        if (b == null) throw new IllegalArgumentException("no broker " + id + " (brokers: " + brokerIds() + ")");
        return b;
    }

    private void startAll() {
        long t0 = System.nanoTime();
        hook = new Thread(this::close, "kafka-cluster-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        int controllerPort = FreePorts.next();
        controller = new KafkaProcess(dir.resolve("controller"), "192m");
        controller.writeConfig(KafkaSettings.clusterController(controller.dir().resolve("data"), CONTROLLER_ID,
                controllerPort, security));
        controller.format(controller.dir().resolve("data"), clusterId,
                security == null ? List.of() : security.formatArguments());
        controller.launch();
        int listeners = security == null ? 1 : 2;
        for (int id = 1; id <= size; id++) {
            int[] bind = FreePorts.next(listeners);
            List<TcpProxy> proxies = new ArrayList<>();
            int[] advertised = new int[listeners];
            for (int i = 0; i < listeners; i++) {
                TcpProxy p = TcpProxy.start("broker-" + id + (i == 0 ? "" : "-mtls"), bind[i]);
                proxies.add(p);
                advertised[i] = p.port();
            }
            TcpProxy toController = TcpProxy.start("broker-" + id + "-controller", controllerPort);
            KafkaProcess process = new KafkaProcess(dir.resolve("broker-" + id), heap);
            Properties props = KafkaSettings.clusterBroker(process.dir().resolve("data"), id, CONTROLLER_ID,
                    toController.port(), bind, advertised, partitions, security);
            if (size < 3) {
                props.setProperty("default.replication.factor", Integer.toString(size));
                props.setProperty("offsets.topic.replication.factor", Integer.toString(size));
                props.setProperty("transaction.state.log.replication.factor", Integer.toString(size));
                props.setProperty("share.coordinator.state.topic.replication.factor", Integer.toString(size));
                String isr = Integer.toString(Math.min(2, size));
                props.setProperty("min.insync.replicas", isr);
                props.setProperty("transaction.state.log.min.isr", isr);
                props.setProperty("share.coordinator.state.topic.min.isr", isr);
            }
            process.writeConfig(props);
            process.format(process.dir().resolve("data"), clusterId, List.of());
            brokers.put(id, new Broker(id, process, proxies, toController));
        }
        brokers.values().forEach(b -> b.process.launch());
        List<KafkaProcess> all = new ArrayList<>();
        all.add(controller);
        brokers.values().forEach(b -> all.add(b.process));
        awaitBrokers(brokers.keySet(), all);
        log.info("Kafka {} cluster of {} brokers{} ready at {} in {} ms, dir {}", LocalKafka.kafkaVersion(), size,
                security == null ? "" : " (secured)", bootstrapServers(), (System.nanoTime() - t0) / 1_000_000, dir);
    }

    /** Waits until the controller reports these brokers registered and unfenced. */
    private void awaitBrokers(Collection<Integer> ids, List<KafkaProcess> processes) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        Set<Integer> seen = Set.of();
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                processes.forEach(KafkaProcess::checkAlive);
                try {
                    seen = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).nodes()
                            .get(10, TimeUnit.SECONDS).stream().map(Node::id).collect(Collectors.toSet());
                    if (seen.containsAll(ids)) return;
                } catch (Exception e) {
                    last = e;
                }
                LocalKafka.sleep(200);
            }
        }
        throw new IllegalStateException("Kafka brokers " + ids + " not all up within " + READY_TIMEOUT + " (seen " + seen
                + "); see " + dir, last);
    }

    private TopicDescription describe(String topic) {
        try (Admin admin = admin()) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e, e);
        }
    }
}
