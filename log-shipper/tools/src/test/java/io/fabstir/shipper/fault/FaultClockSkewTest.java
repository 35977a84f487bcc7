package io.fabstir.shipper.fault;

import io.fabstir.shipper.fault.Pipeline.Part;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** Records from wrong, distant and odd clocks, redelivered by indexer crashes. */
@Tag("fault")
class FaultClockSkewTest {

    @Test
    void skewedTimestampsLandInOneDailyIndexEachAcrossIndexerRedelivery() throws Exception {
        FaultSettings s = FaultSettings.CURRENT;
        // The indexer's defaults (--timestamp-max-past 365d, --timestamp-max-future 1d).
        List<FaultLines.Skew> skews = FaultLines.skews(Duration.ofDays(365), Duration.ofDays(1));
        Duration length = s.pick(Duration.ofSeconds(16), Duration.ofSeconds(60));
        int indexKills = s.pick(3, 8);
        FaultRun.repeat("clock skew", "clock", "records stamped by wrong or distant clocks, cycling through "
                + skews.stream().map(FaultLines.Skew::name).collect(Collectors.joining(", "))
                + "; 200 lines/s for " + length.toSeconds() + " s while `index` is SIGKILLed " + indexKills
                + " times, so records it had stored but not committed are delivered again seconds later, when "
                + "those near the edges of its timestamp window are judged against a later clock.", run -> {
            Pipeline p = run.pipeline(1);
            Pipeline.Node node = p.node("node-a");
            node.globs.add(node.logs + "/*.json");
            p.write(node, "app.json", 200, FaultLines.skewed(skews), b -> { });
            p.startTail(node);
            p.startIndexer();
            long slice = length.toMillis() / (indexKills + 1);
            for (int i = 0; i < indexKills; i++) {
                run.sleep(run.between(Duration.ofMillis(slice / 2), Duration.ofMillis(slice * 3 / 2)));
                p.kill(Part.INDEX, 0);
                // Back after the window edges have moved on by more than the records' 3 s margin.
                run.sleep(run.between(Duration.ofMillis(1000), Duration.ofMillis(3000)));
                p.revive(Part.INDEX, 0);
            }
            run.sleep(Duration.ofSeconds(2));
            p.stopWriters();
            run.result(p.settle(Duration.ofMinutes(4)));
        });
    }
}
