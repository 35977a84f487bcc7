package io.fabstir.shipper.fault;

import io.fabstir.shipper.fault.Pipeline.Part;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The edge's checkpoint disk fills up; the edge is killed while it cannot checkpoint, and again once it can. */
@Tag("fault")
class FaultCheckpointDiskFullTest {

    @Test
    void checkpointDiskFullWhileTheTailIsKilledLosesNothingAndStoresNothingTwice() throws Exception {
        FaultSettings s = FaultSettings.CURRENT;
        Duration full = s.pick(Duration.ofSeconds(8), Duration.ofSeconds(30));
        int killsWhileFull = s.pick(2, 5);
        FaultRun.repeat("checkpoint disk full", "disk", "the checkpoint folder is a 512 KiB tmpfs "
                + "(`mount -t tmpfs`, when the machine allows it), filled with a file until the kernel answers "
                + "ENOSPC; for " + full.toSeconds() + " s every checkpoint write fails while `tail` is SIGKILLed and "
                + "restarted " + killsWhileFull + " times (it starts again from the last checkpoint that made it to "
                + "disk), then the space is freed and `tail` is killed once more; `index` is killed once; 300 "
                + "lines/s. Without tmpfs the checkpoint's temp file is blocked by a directory instead.", run -> {
            Pipeline p = run.pipeline(1);
            Pipeline.Node node = p.node("node-a");
            node.globs.add(node.logs + "/*.json");
            Path state = node.dir.resolve("state");
            try (FillableDir disk = FillableDir.at(state, "checkpoint.json.tmp")) {
                run.note("disk full", disk.method());
                p.write(node, "app.json", 300, FaultLines.standard(), b -> { });
                p.startTail(node);
                p.startIndexer();
                node.tail.awaitFollowing();
                awaitExists(node.checkpoint, Duration.ofSeconds(20));
                run.sleep(run.between(Duration.ofSeconds(1), Duration.ofSeconds(3)));
                disk.fill();
                long fullAt = System.nanoTime();
                awaitLog(node.dir.resolve("tail.log"), "cannot write checkpoint", Duration.ofSeconds(20));
                for (int i = 0; i < killsWhileFull; i++) {
                    run.sleep(run.between(Duration.ofMillis(500), Duration.ofMillis(2000)));
                    p.kill(Part.TAIL, 0);
                    run.sleep(run.between(Duration.ofMillis(200), Duration.ofMillis(1000)));
                    p.revive(Part.TAIL, 0);
                }
                p.kill(Part.INDEX, 0);
                p.revive(Part.INDEX, 0);
                long left = full.toNanos() - (System.nanoTime() - fullAt);
                if (left > 0) {
                    Thread.sleep(left / 1_000_000);
                }
                byte[] stale = Files.readAllBytes(node.checkpoint);
                disk.free();
                awaitChange(node.checkpoint, stale, Duration.ofSeconds(20));
                run.sleep(run.between(Duration.ofMillis(500), Duration.ofMillis(2000)));
                p.kill(Part.TAIL, 0);
                p.revive(Part.TAIL, 0);
                run.sleep(Duration.ofSeconds(2));
                p.stopWriters();
                run.result(p.settle(Duration.ofMinutes(4)));
                p.shutdown(); // nothing may hold the mount when it is taken away
            }
        });
    }

    /** The fault is real: the tail said it could not write its checkpoint. */
    private static void awaitLog(Path log, String text, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!(Files.exists(log) && Files.readString(log, java.nio.charset.StandardCharsets.ISO_8859_1).contains(text))) {
            assertThat(System.nanoTime() - deadline).as("tail log %s never said '%s'", log, text).isNegative();
            Thread.sleep(100);
        }
    }

    private static void awaitExists(Path file, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            assertThat(System.nanoTime() - deadline).as("%s never written", file).isNegative();
            Thread.sleep(100);
        }
    }

    /** Once the disk has room, the tail checkpoints again. */
    private static void awaitChange(Path checkpoint, byte[] before, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (java.util.Arrays.equals(Files.readAllBytes(checkpoint), before)) {
            assertThat(System.nanoTime() - deadline).as("checkpoint %s not written after the disk was freed",
                    checkpoint).isNegative();
            Thread.sleep(100);
        }
    }
}
