package io.fabstir.shipper.fault;

import io.fabstir.shipper.fault.Pipeline.Part;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/** Elasticsearch goes away under load, the indexer and the edge are killed meanwhile, then it comes back. */
@Tag("fault")
class FaultElasticsearchOutageTest {

    @Test
    void elasticsearchStoppedAndRestartedWhileTheIndexerIsKilledLosesNothingAndStoresNothingTwice() throws Exception {
        FaultSettings s = FaultSettings.CURRENT;
        Assumptions.assumeTrue(FaultServices.get().esIsLocal(), "Elasticsearch is an existing cluster, not ours to stop");
        Duration outage = s.pick(Duration.ofSeconds(10), Duration.ofSeconds(40));
        FaultRun.repeat("Elasticsearch outage", "esout", "the local Elasticsearch node is stopped (SIGTERM, "
                + "clean shutdown) 3–6 s into the run and started again on the same port and data after "
                + outage.toSeconds() + " s; meanwhile the `index` JVM is SIGKILLed and restarted (it comes back to "
                + "a cluster that refuses connections) and the `tail` JVM is SIGKILLed once; 300 lines/s throughout.",
                run -> {
            Pipeline p = run.pipeline(1);
            Pipeline.Node node = p.node("node-a");
            node.globs.add(node.logs + "/*.json");
            p.write(node, "app.json", 300, FaultLines.standard(), b -> { });
            p.startTail(node);
            p.startIndexer();
            run.sleep(run.between(Duration.ofSeconds(3), Duration.ofSeconds(6)));
            long downAt = System.nanoTime();
            FaultServices.get().es.stop();
            run.sleep(run.between(Duration.ofSeconds(1), Duration.ofSeconds(3)));
            p.kill(Part.INDEX, 0);
            p.revive(Part.INDEX, 0);
            run.sleep(run.between(Duration.ofSeconds(1), Duration.ofSeconds(3)));
            p.kill(Part.TAIL, 0);
            p.revive(Part.TAIL, 0);
            long left = outage.toNanos() - (System.nanoTime() - downAt);
            if (left > 0) {
                Thread.sleep(left / 1_000_000);
            }
            FaultServices.get().es.start();
            run.note("Elasticsearch down", Duration.ofNanos(System.nanoTime() - downAt).toSeconds() + " s");
            run.sleep(Duration.ofSeconds(3));
            p.stopWriters();
            run.result(p.settle(Duration.ofMinutes(4)));
        });
    }
}
