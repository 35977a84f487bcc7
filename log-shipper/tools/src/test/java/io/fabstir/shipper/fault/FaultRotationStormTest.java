package io.fabstir.shipper.fault;

import io.fabstir.shipper.fault.Pipeline.Part;
import io.fabstir.shipper.harness.LogWriter;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Both rotation styles every second while the edge is killed now and then. */
@Tag("fault")
class FaultRotationStormTest {

    @Test
    void renameAndCopytruncateRotationEverySecondWithTailKillsLosesNothingAndStoresNothingTwice() throws Exception {
        FaultSettings s = FaultSettings.CURRENT;
        Duration storm = s.pick(Duration.ofSeconds(16), Duration.ofSeconds(75));
        int tailKills = s.pick(2, 8);
        FaultRun.repeat("rotation storm", "rot", "two applications on one edge host, 200 lines/s each (1 in 4 "
                + "without an event.id of its own: plain text, or JSON without one), for "
                + storm.toSeconds() + " s: one file rotated by rename every second (logback style; the writer keeps "
                + "its old stream a moment, so lines still land in the renamed file), one copytruncated every second "
                + "(logrotate style: copy, then truncate in place); the 10 newest rotated files are kept, older ones "
                + "deleted; the globs match the rotated names too, as logrotate setups need. `tail` is SIGKILLed "
                + tailKills + " times mid-storm, `index` once.", run -> {
            Pipeline p = run.pipeline(1);
            Pipeline.Node node = p.node("node-a");
            node.globs.add(node.logs + "/rename.json*");
            node.globs.add(node.logs + "/copy.json*");
            LogWriter renamed = p.write(node, "rename.json", 200, FaultLines.withoutOwnIds(), b -> b
                    .rotation(LogWriter.Rotation.RENAME).rotateEvery(Duration.ofSeconds(1)).keepRotated(10));
            LogWriter copied = p.write(node, "copy.json", 200, FaultLines.withoutOwnIds(), b -> b
                    .rotation(LogWriter.Rotation.COPYTRUNCATE).rotateEvery(Duration.ofSeconds(1)).keepRotated(10));
            p.startTail(node);
            p.startIndexer();
            long end = System.nanoTime() + storm.toNanos();
            long slice = storm.toMillis() / (tailKills + 2);
            for (int i = 0; i < tailKills; i++) {
                run.sleep(run.between(Duration.ofMillis(slice / 2), Duration.ofMillis(slice * 3 / 2)));
                p.kill(Part.TAIL, 0);
                run.sleep(run.between(Duration.ofMillis(200), Duration.ofMillis(1500)));
                p.revive(Part.TAIL, 0);
                if (i == tailKills / 2) {
                    p.kill(Part.INDEX, 0);
                    p.revive(Part.INDEX, 0);
                }
            }
            long left = end - System.nanoTime();
            if (left > 0) {
                Thread.sleep(left / 1_000_000);
            }
            p.stopWriters();
            run.note("rotations", renamed.rotations() + " rename + " + copied.rotations() + " copytruncate");
            assertThat(renamed.rotations() + copied.rotations()).as("rotations").isGreaterThanOrEqualTo(
                    (int) storm.toSeconds());
            run.result(p.settle(Duration.ofMinutes(4)));
        });
    }
}
