package io.fabstir.shipper.fault;

import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Three indexers share the topic; members are killed and rejoin, the group rebalances under load. */
@Tag("fault")
class FaultRebalanceTest {
    private static final int PARTITIONS = 6;

    @Test
    void threeIndexersWithOneKilledRebalanceAndStoreEveryRecordOnce() throws Exception {
        FaultSettings s = FaultSettings.CURRENT;
        int rejoins = s.pick(0, 3);
        FaultRun.repeat("rebalance, 3 indexers", "rebal", "three edge hosts (their node ids, the Kafka keys, chosen to "
                + "hash to partitions that different members own, " + PARTITIONS + " partitions), 100 lines/s each; three "
                + "`index` JVMs in one consumer group. " + (rejoins > 0 ? rejoins + " times a random member is "
                + "SIGKILLed and restarted 4–8 s later (two rebalances each: the dead member's session expires, the "
                + "new one joins); then one" : " One") + " member is SIGKILLed for good while records keep coming and "
                + "the other two take its partitions over.", run -> {
            Pipeline p = run.pipeline(PARTITIONS);
            List<Pipeline.Node> nodes = new ArrayList<>();
            for (String id : nodeIdsOnDistinctPartitions(3)) {
                Pipeline.Node n = p.node(id);
                n.globs.add(n.logs + "/*.json");
                p.write(n, "app.json", 100, FaultLines.standard(), b -> { });
                nodes.add(n);
            }
            for (int i = 0; i < 3; i++) {
                p.startIndexer();
            }
            for (Pipeline.Node n : nodes) {
                p.startTail(n);
            }
            run.sleep(Duration.ofSeconds(6));
            for (int i = 0; i < rejoins; i++) {
                Pipeline.Member m = p.indexers().get(run.random.nextInt(3));
                p.kill(Pipeline.Part.INDEX, p.indexers().indexOf(m));
                run.sleep(run.between(Duration.ofSeconds(4), Duration.ofSeconds(8)));
                p.reviveMember(m);
                run.sleep(run.between(Duration.ofSeconds(4), Duration.ofSeconds(8)));
            }
            int victim = run.random.nextInt(3);
            p.kill(Pipeline.Part.INDEX, victim);
            p.retire(p.indexers().get(victim));
            run.sleep(Duration.ofSeconds(s.pick(10, 20)));
            p.stopWriters();
            run.result(p.settle(Duration.ofMinutes(4)));
        });
    }

    /**
     * Node ids whose keys (Kafka's default partitioner: murmur2) land in distinct pairs of partitions, so that the
     * range assignment of 6 partitions to 3 members gives each member one node's records.
     */
    static List<String> nodeIdsOnDistinctPartitions(int count) {
        List<String> out = new ArrayList<>();
        Set<Integer> used = new HashSet<>();
        for (int i = 0; out.size() < count; i++) {
            String id = "node-" + (char) ('a' + i % 26) + i / 26;
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (used.add(partition / 2)) {
                out.add(id);
            }
        }
        return out;
    }
}
