package io.fabstir.shipper.fault;

import io.fabstir.shipper.fault.Pipeline.Part;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** kill -9 of the edge, the indexer and the broker, in random order at random moments, under steady writing. */
@Tag("fault")
class FaultProcessKillTest {

    @Test
    void killNineOfTailIndexAndBrokerAtRandomMomentsLosesNothingAndStoresNothingTwice() throws Exception {
        FaultSettings s = FaultSettings.CURRENT;
        int kills = s.pick(4, 24);
        FaultRun.repeat("kill -9 storm", "kill", "SIGKILL of a random part (`tail` JVM, `index` JVM or the Kafka "
                + "broker JVM), every 1.5–4 s while the application writes 300 lines/s (1 in 4 without an event.id "
                + "of its own); the part comes back after 0.2–1.5 s (the broker on the same log dir and ports). "
                + "Victims come from a shuffled list with each part equally often: " + kills + " kills per run.",
                run -> {
            Pipeline p = run.pipeline(1);
            Pipeline.Node node = p.node("node-a");
            node.globs.add(node.logs + "/*.json");
            p.write(node, "app.json", 300, FaultLines.withoutOwnIds(), b -> { });
            p.startTail(node);
            p.startIndexer();
            List<Part> victims = new ArrayList<>();
            for (int i = 0; i < kills; i++) {
                victims.add(Part.values()[i % Part.values().length]);
            }
            Collections.shuffle(victims, run.random);
            for (Part victim : victims) {
                run.sleep(run.between(Duration.ofMillis(1500), Duration.ofMillis(4000)));
                p.kill(victim, 0);
                run.sleep(run.between(Duration.ofMillis(200), Duration.ofMillis(1500)));
                p.revive(victim, 0);
            }
            run.sleep(Duration.ofSeconds(2));
            p.stopWriters();
            run.result(p.settle(Duration.ofMinutes(4)));
        });
    }
}
