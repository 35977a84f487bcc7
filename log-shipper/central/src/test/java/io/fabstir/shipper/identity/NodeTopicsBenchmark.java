package io.fabstir.shipper.identity;

import io.fabstir.localservices.LocalKafka;
import io.fabstir.shipper.harness.ProcStat;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * What per-node topics cost at 1,000 nodes (harness, not a test), next to one shared topic with 24 partitions, on
 * one broker (a child JVM, so its memory is its own): the broker's live heap and RSS, the size of a full metadata
 * response (what a pattern-subscribed indexer fetches on every refresh), the time for an indexer to join its group
 * and get every partition, and the time to rebalance when a second indexer joins. The indexers' consumers are
 * configured as {@code index} configures them and subscribe as it does (by {@link NodeTopics#subscription()}); the
 * per-node layout runs again with the cooperative-sticky assignor, since the default (range) assignor gives every
 * 1-partition topic to the same member. The last column is the partitions each indexer holds after the rebalance.
 *
 * <pre>
 * mvn -B -ntp -pl log-shipper/central -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=$PWD/topics-bench.cp -q
 * java -cp log-shipper/central/target/test-classes:log-shipper/central/target/classes:$(cat topics-bench.cp) \
 *     io.fabstir.shipper.identity.NodeTopicsBenchmark 1000
 * </pre>
 */
public final class NodeTopicsBenchmark {

    private NodeTopicsBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int nodes = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        Path dir = Files.createTempDirectory("topics-bench");
        List<String> rows = new ArrayList<>();
        try (LocalKafka broker = LocalKafka.builder().dir(dir.resolve("kafka")).childProcess(true).childHeap("1g")
                .start()) {
            long pid = brokerPid(dir);
            String bootstrap = broker.bootstrapServers();
            rows.add(row("idle broker", "–", pid, bootstrap, null, 0));

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(new NewTopic("fabstir.logs", 24, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            rows.add(row("one shared topic, 24 partitions", "24", pid, bootstrap,
                    c -> c.subscribe(List.of("fabstir.logs"), listenerOf(c)), 24));

            long t0 = System.nanoTime();
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                List<NewTopic> batch = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    batch.add(new NewTopic(String.format(Locale.ROOT, "fabstir.logs.node-%04d", i), 1, (short) 1));
                    if (batch.size() == 100 || i == nodes - 1) {
                        admin.createTopics(batch).all().get(120, TimeUnit.SECONDS);
                        batch.clear();
                    }
                }
            }
            System.out.printf(Locale.ROOT, "created %d node topics in %.1f s%n", nodes, (System.nanoTime() - t0) / 1e9);
            NodeTopics topics = NodeTopics.of("fabstir.logs.", null);
            rows.add(row(nodes + " node topics (1 partition each)", Integer.toString(nodes), pid, bootstrap,
                    c -> c.subscribe(topics.subscription(), listenerOf(c)), nodes));
            // index sets no assignor: the default (range) hands each 1-partition topic to the same member
            assignor = "org.apache.kafka.clients.consumer.CooperativeStickyAssignor";
            rows.add(row(nodes + " node topics, cooperative-sticky assignor", Integer.toString(nodes), pid, bootstrap,
                    c -> c.subscribe(topics.subscription(), listenerOf(c)), nodes));
        }
        System.out.println();
        System.out.println("| layout | partitions | broker live heap | broker RSS | full metadata response | "
                + "1st indexer: join → all partitions | 2nd indexer joins: rebalance until both are assigned | "
                + "split |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
        System.exit(0);
    }

    private static final Map<KafkaConsumer<?, ?>, Set<TopicPartition>> ASSIGNED = new ConcurrentHashMap<>();
    /** Completed rebalances per member: an assignment may be empty, so the sizes alone cannot tell one happened. */
    private static final Map<KafkaConsumer<?, ?>, Integer> REBALANCES = new ConcurrentHashMap<>();
    private static String assignor;

    private static ConsumerRebalanceListener listenerOf(KafkaConsumer<?, ?> c) {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
                ASSIGNED.computeIfAbsent(c, k -> ConcurrentHashMap.newKeySet()).removeAll(revoked);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
                ASSIGNED.computeIfAbsent(c, k -> ConcurrentHashMap.newKeySet()).addAll(assigned);
                REBALANCES.merge(c, 1, Integer::sum);
            }
        };
    }

    private static String row(String layout, String partitions, long pid, String bootstrap,
                              Consumer<KafkaConsumer<byte[], byte[]>> subscribe, int expected) throws Exception {
        if (subscribe == null) {
            return String.format(Locale.ROOT, "| %s | %s | %d MB | %d MB | – | – | – | – |", layout, partitions,
                    ProcStat.liveHeapMb(pid), ProcStat.rssMb(pid, true));
        }
        String group = "bench-" + System.nanoTime();
        long metadataBytes;
        try (KafkaConsumer<byte[], byte[]> probe = consumer(bootstrap, group + "-probe")) {
            // connections, versions; and the new topics in the broker's metadata before the clock starts (the
            // first join otherwise sees part of them and waits a metadata refresh, 30 s, for the rest)
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (probe.listTopics(Duration.ofSeconds(60)).values().stream().mapToInt(List::size).sum() < expected
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            double before = incoming(probe);
            probe.listTopics(Duration.ofSeconds(60));
            metadataBytes = (long) (incoming(probe) - before);
        }
        List<Thread> threads = new ArrayList<>();
        List<KafkaConsumer<byte[], byte[]>> members = new ArrayList<>();
        double join;
        double rebalance;
        String split;
        try {
            KafkaConsumer<byte[], byte[]> first = consumer(bootstrap, group);
            members.add(first);
            long t0 = System.nanoTime();
            threads.add(poll(first, subscribe));
            await(() -> size(first) == expected);
            join = (System.nanoTime() - t0) / 1e9;
            KafkaConsumer<byte[], byte[]> second = consumer(bootstrap, group);
            members.add(second);
            int firstBefore = REBALANCES.getOrDefault(first, 0);
            long t1 = System.nanoTime();
            threads.add(poll(second, subscribe));
            // both members through a rebalance that includes the second, every partition held once
            await(() -> REBALANCES.getOrDefault(second, 0) > 0 && REBALANCES.getOrDefault(first, 0) > firstBefore
                    && size(first) + size(second) == expected);
            rebalance = (System.nanoTime() - t1) / 1e9;
            split = size(first) + " / " + size(second);
        } finally {
            threads.forEach(Thread::interrupt);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
        String row = String.format(Locale.ROOT, "| %s | %s | %d MB | %d MB | %,d bytes | %.2f s | %.2f s | %s |",
                layout, partitions, ProcStat.liveHeapMb(pid), ProcStat.rssMb(pid, true), metadataBytes, join,
                rebalance, split);
        System.out.println(row);
        return row;
    }

    private static int size(KafkaConsumer<?, ?> c) {
        return ASSIGNED.getOrDefault(c, Set.of()).size();
    }

    /** Polls until interrupted, then closes (leaving the group). */
    private static Thread poll(KafkaConsumer<byte[], byte[]> c, Consumer<KafkaConsumer<byte[], byte[]>> subscribe) {
        Thread t = new Thread(() -> {
            subscribe.accept(c);
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    c.poll(Duration.ofMillis(100));
                }
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                // stopping
            } finally {
                Thread.interrupted(); // else close() throws and the member never leaves the group
                c.close(Duration.ofSeconds(5));
            }
        }, "bench-member");
        t.start();
        return t;
    }

    /** The consumer settings {@code index} uses. */
    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap, String group) {
        Map<String, Object> p = new HashMap<>(Map.of("bootstrap.servers", bootstrap, "group.id", group,
                "enable.auto.commit", "false", "auto.offset.reset", "earliest", "max.poll.records", "2000",
                "fetch.min.bytes", "65536", "fetch.max.wait.ms", "100", "metadata.max.age.ms", "30000"));
        if (assignor != null) {
            p.put("partition.assignment.strategy", assignor);
        }
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static double incoming(KafkaConsumer<?, ?> c) {
        for (Map.Entry<MetricName, ? extends Metric> e : c.metrics().entrySet()) {
            if (e.getKey().name().equals("incoming-byte-total") && e.getKey().group().equals("consumer-metrics")) {
                return (Double) e.getValue().metricValue();
            }
        }
        return 0;
    }

    interface Check {
        boolean ok();
    }

    private static void await(Check check) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not settled within 5 minutes");
            }
            Thread.sleep(10);
        }
    }

    /** The child broker: the descendant JVM whose arguments name its directory. */
    private static long brokerPid(Path dir) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(dir.toString())).orElse(false)
                        || p.info().commandLine().map(l -> l.contains(dir.toString())).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst()
                .orElseThrow(() -> new IllegalStateException("no child broker under " + dir));
    }
}
