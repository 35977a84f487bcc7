package io.fabstir.shipper.fault;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Clusters that lose a member under load: a Kafka broker SIGKILLed and brought back, an Elasticsearch node SIGKILLed
 * and brought back, a broker cut off by a network partition for 30 s. The edge and the indexer run with the shipped
 * configurations' delivery settings against three brokers (replication 3, min ISR 2) and three Elasticsearch nodes
 * (one replica per shard, all three given to the indexer), so each loss must cost only time: every record stored
 * once, the stall at the edge and at the indexer reported, heap bounded. One pair of clusters serves all three.
 */
@Tag("fault")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultClusterTest {
    private static final int RATE = 300;

    /** Started before the first run, so that each run's duration is the scenario's own. */
    @BeforeAll
    static void startClusters() {
        ClusterServices.get();
    }

    @AfterAll
    static void stopClusters() {
        ClusterServices.closeIfStarted();
    }

    @Test
    @Order(1)
    void aBrokerKilledUnderLoadAndBroughtBackLosesNothingAndStoresNothingTwice() throws Exception {
        FaultSettings s = FaultSettings.CURRENT;
        int kills = s.pick(1, 4);
        Duration down = s.pick(Duration.ofSeconds(10), Duration.ofSeconds(30));
        FaultRun.repeat("broker killed in a 3-broker cluster", "bkill", "three brokers and a dedicated controller, "
                + "the topic with replication 3 and min.insync.replicas=2; the edge with edge.yaml's producer settings "
                + "(acks=all, idempotence), the indexer with central.yaml's; " + RATE + " lines/s (1 in 4 without an "
                + "event.id of its own). Once records reach Elasticsearch, " + kills + " time(s), 4–8 s apart, a "
                + "broker is SIGKILLed and started again on its log dir after " + down.toSeconds() + " s (its start "
                + "takes longer under load): the partition's leader, then (soak) a follower, in turn; then the topic "
                + "must be fully in sync again. Each fault's stalls are given from the moment of the kill.", run -> {
            ClusterServices c = ClusterServices.get();
            Pipeline p = loadedPipeline(run, c);
            List<Hit> hits = inject(run, kills, k -> {
                boolean leader = k % 2 == 0;
                int victim = leader ? c.kafka.leader(p.topic, 0) : follower(c, p.topic);
                long t0 = System.nanoTime();
                c.kafka.kill(victim);
                p.count("broker");
                run.sleep(down);
                c.kafka.start(victim);
                return "broker " + victim + (leader ? " (leader)" : " (follower)") + " killed, back after "
                        + seconds(System.nanoTime() - t0);
            });
            run.sleep(Duration.ofSeconds(4));
            p.stopWriters();
            c.kafka.awaitInSync(p.topic, Duration.ofMinutes(2));
            run.result(p.settle(Duration.ofMinutes(4)));
            note(run, p, hits);
        });
    }

    @Test
    @Order(2)
    void anElasticsearchNodeKilledUnderLoadAndBroughtBackLosesNothingAndStoresNothingTwice() throws Exception {
        FaultSettings s = FaultSettings.CURRENT;
        int kills = s.pick(1, 3);
        Duration down = s.pick(Duration.ofSeconds(10), Duration.ofSeconds(30));
        FaultRun.repeat("Elasticsearch node killed in a 3-node cluster", "eskill", "three Elasticsearch nodes, the "
                + "daily index with central.yaml's shards and replicas (2 and 1), all three nodes in the indexer's "
                + "hosts; " + RATE + " lines/s. Once records reach Elasticsearch, " + kills + " time(s), 4–8 s apart, "
                + "the node holding most primaries of the run's daily index (node-2 or node-3; node-1 answers the "
                + "suite's counts) is SIGKILLed, then started again on its data after " + down.toSeconds() + " s "
                + "(its start and rejoining take longer under load); the cluster must be green again at the end.",
                run -> {
            ClusterServices c = ClusterServices.get();
            Pipeline p = loadedPipeline(run, c);
            List<Hit> hits = inject(run, kills, k -> {
                int victim = c.nodeWithPrimariesOf(p.dataWildcard);
                long t0 = System.nanoTime();
                c.es.kill(victim);
                p.count("es node");
                run.sleep(down);
                c.es.start(victim);
                return "node-" + victim + " killed, back after " + seconds(System.nanoTime() - t0);
            });
            run.sleep(Duration.ofSeconds(3));
            p.stopWriters();
            run.result(p.settle(Duration.ofMinutes(4)));
            note(run, p, hits);
            c.awaitGreen(Duration.ofMinutes(3));
        });
    }

    @Test
    @Order(3)
    void aBrokerPartitionedAwayFor30SecondsLosesNothingAndStoresNothingTwice() throws Exception {
        // The leader for 30 s; the soak adds a follower for 30 s and the leader for 60 s, longer than the clients'
        // request.timeout.ms (30 s), so the edge and the indexer must move to the new leader before the cut heals.
        List<Duration> cuts = FaultSettings.CURRENT.soak()
                ? List.of(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(60))
                : List.of(Duration.ofSeconds(30));
        FaultRun.repeat("broker partitioned away", "bpart", "the 3-broker cluster as above; " + RATE + " lines/s. "
                + "Once records reach Elasticsearch, 4–8 s apart, every connection of one broker (to clients, to the "
                + "other brokers, to the controller) goes silent (packets dropped, connections left open: the proxy "
                + "in front of it black-holes them), then heals: " + (cuts.size() == 1 ? "the partition's leader for "
                + "30 s" : "the partition's leader for 30 s, a follower for 30 s, the leader for 60 s") + "; then "
                + "the topic must be fully in sync again. Each fault's stalls are given from the moment of the cut.",
                run -> {
            ClusterServices c = ClusterServices.get();
            Pipeline p = loadedPipeline(run, c);
            List<Hit> hits = inject(run, cuts.size(), k -> {
                boolean leader = k % 2 == 0;
                int victim = leader ? c.kafka.leader(p.topic, 0) : follower(c, p.topic);
                Duration cut = cuts.get(k);
                c.kafka.isolate(victim, cut);
                run.sleep(cut);
                c.kafka.heal(victim); // isolate(id, cut) heals by itself too; this makes the moment certain
                return "broker " + victim + (leader ? " (leader)" : " (follower)") + " cut off " + cut.toSeconds()
                        + " s";
            });
            run.sleep(Duration.ofSeconds(4));
            p.stopWriters();
            c.kafka.awaitInSync(p.topic, Duration.ofMinutes(2));
            run.result(p.settle(Duration.ofMinutes(4)));
            note(run, p, hits);
        });
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** One fault: what it was, from its start until the member was back (System.nanoTime). */
    private record Hit(String what, long from, long to) {
    }

    /** Does fault {@code k} and returns once the member is back, saying what it did. */
    @FunctionalInterface
    private interface Fault {
        String inject(int k) throws Exception;
    }

    private static List<Hit> inject(FaultRun run, int times, Fault fault) throws Exception {
        List<Hit> hits = new ArrayList<>();
        for (int k = 0; k < times; k++) {
            run.sleep(run.between(Duration.ofSeconds(4), Duration.ofSeconds(8)));
            long from = System.nanoTime();
            String what = fault.inject(k);
            hits.add(new Hit(what, from, System.nanoTime()));
        }
        return hits;
    }

    /** Each fault and the stalls it caused at the edge and the indexer, into the report. */
    private static void note(FaultRun run, Pipeline p, List<Hit> hits) {
        List<String> out = new ArrayList<>();
        for (Hit h : hits) {
            out.add(h.what + " → stalled: " + p.stallsOf(h.from, h.to));
        }
        run.note("faults", String.join("; ", out));
    }

    /**
     * One edge writing {@value #RATE} lines/s, its tail and one indexer, their stalls watched; returns once records
     * reach Elasticsearch.
     */
    private static Pipeline loadedPipeline(FaultRun run, ClusterServices c) throws Exception {
        Pipeline p = run.pipeline(1, c);
        p.watchStalls();
        Pipeline.Node node = p.node("node-a");
        node.globs.add(node.logs + "/*.json");
        p.write(node, "app.json", RATE, FaultLines.withoutOwnIds(), b -> { });
        p.startTail(node);
        p.startIndexer();
        p.awaitFlowing(Duration.ofMinutes(2));
        return p;
    }

    /** A replica of the topic's partition 0 that is not its leader. */
    private static int follower(ClusterServices c, String topic) {
        int leader = c.kafka.leader(topic, 0);
        Set<Integer> isr = c.kafka.isr(topic, 0);
        return isr.stream().filter(id -> id != leader).sorted().findFirst()
                .orElseThrow(() -> new IllegalStateException("no follower in sync: " + isr));
    }

    private static String seconds(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.0f s", nanos / 1e9);
    }
}
