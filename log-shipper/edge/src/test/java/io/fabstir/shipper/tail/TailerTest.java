package io.fabstir.shipper.tail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.enrichers.EnricherChain;
import io.fabstir.shipper.checkpoint.CheckpointStore;
import io.fabstir.shipper.checkpoint.FilePosition;
import io.fabstir.shipper.config.EdgeConfig;
import io.fabstir.shipper.metrics.ShipperMetrics;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The tailer's file handling, against an in-memory sink that stands in for Kafka (the same behaviours are shown
 * against a real broker in TailToKafkaTest).
 */
class TailerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final List<Tailer> running = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    /** Acknowledges every record unless told to hold or fail. */
    static final class MemorySink implements RecordSink {
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final List<Delivery> held = new CopyOnWriteArrayList<>();
        volatile boolean hold;
        final AtomicInteger failNext = new AtomicInteger();
        final AtomicInteger refuseNext = new AtomicInteger();

        @Override
        public void send(byte[] value, Delivery delivery) {
            if (refuseNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("no metadata within max.block.ms");
            }
            if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                delivery.failed(new IOException("broker unavailable"));
                return;
            }
            try {
                received.add(JSON.readTree(value));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (hold) {
                held.add(delivery);
            } else {
                delivery.acknowledged();
            }
        }

        void release() {
            hold = false;
            held.forEach(Delivery::acknowledged);
            held.clear();
        }

        List<String> messages() {
            return received.stream().map(n -> n.path("message").asText()).toList();
        }

        @Override
        public void close(Duration timeout) {
        }
    }

    private EdgeConfig.Builder config() {
        return EdgeConfig.builder().nodeId("node-1").hostName("host-1").bootstrapServers("unused:9092")
                .path(dir.resolve("logs/*.json").toString())
                .checkpointFile(dir.resolve("state/checkpoint.json"))
                .scanInterval(Duration.ofMillis(50)).pollInterval(Duration.ofMillis(10))
                .checkpointInterval(Duration.ofMillis(50)).rotateGrace(Duration.ofMillis(200))
                .shutdownTimeout(Duration.ofSeconds(2));
    }

    private Tailer start(EdgeConfig cfg, RecordSink sink) {
        Tailer t = Tailer.create(cfg, EnricherChain.builder().hostName(cfg.hostName()).nodeId(cfg.nodeId()).build(),
                sink, ShipperMetrics.get());
        Thread th = new Thread(() -> {
            try {
                t.run();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        th.start();
        running.add(t);
        threads.add(th);
        return t;
    }

    private static void stop(Tailer t) throws InterruptedException {
        t.stop();
        assertThat(t.awaitFinished(10, TimeUnit.SECONDS)).isTrue();
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        for (Tailer t : running) {
            stop(t);
        }
    }

    private Path logs() throws IOException {
        return Files.createDirectories(dir.resolve("logs"));
    }

    private static void append(Path f, String... messages) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String m : messages) {
            sb.append("{\"message\":\"").append(m).append("\"}\n");
        }
        Files.writeString(f, sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static String[] range(String prefix, int from, int to) {
        String[] out = new String[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = prefix + i;
        }
        return out;
    }

    @Test
    void shipsExistingAndNewFilesAndHoldsAPartialLine() throws IOException {
        Path a = logs().resolve("a.json");
        append(a, "a1", "a2");
        MemorySink sink = new MemorySink();
        start(config().build(), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 2);
        Path b = logs().resolve("b.json");
        append(b, "b1");
        Files.writeString(b, "{\"message\":\"b2", StandardOpenOption.APPEND);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 3);
        Files.writeString(b, "\"}\n", StandardOpenOption.APPEND);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 4);
        assertThat(sink.messages()).containsExactlyInAnyOrder("a1", "a2", "b1", "b2");
        JsonNode first = sink.received.get(0);
        assertThat(first.path("host.name").asText()).isEqualTo("host-1");
        assertThat(first.path("fabstir.node_id").asText()).isEqualTo("node-1");
        assertThat(first.path("log.file.path").asText()).endsWith("a.json");
        assertThat(first.path("event.id").asText()).hasSize(36);
    }

    @Test
    void checkpointAdvancesOnlyOverAcknowledgedRecords() throws Exception {
        Path a = logs().resolve("a.json");
        append(a, "one", "two");
        MemorySink sink = new MemorySink();
        sink.hold = true;
        Tailer t = start(config().build(), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 2);
        Thread.sleep(300);
        assertThat(savedOffset()).isEqualTo(0);
        sink.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> savedOffset() == Files.size(a));
        stop(t);
    }

    private long savedOffset() throws IOException {
        List<FilePosition> p = new CheckpointStore(dir.resolve("state/checkpoint.json")).load();
        return p.isEmpty() ? 0 : p.get(0).offset();
    }

    @Test
    void restartResumesFromTheCheckpointWithTheSameDerivedIds() throws Exception {
        Path a = logs().resolve("a.json");
        append(a, range("m", 0, 50));
        MemorySink first = new MemorySink();
        Tailer t = start(config().build(), first);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.received.size() == 50);
        stop(t);
        append(a, range("m", 50, 80));
        MemorySink second = new MemorySink();
        start(config().build(), second);
        await().atMost(Duration.ofSeconds(10)).until(() -> second.received.size() == 30);
        Thread.sleep(200);
        assertThat(second.messages()).containsExactly(range("m", 50, 80));
    }

    @Test
    void renameRotationFinishesTheOldFileThenFollowsTheNewOne() throws Exception {
        Path a = logs().resolve("app.json");
        append(a, range("old", 0, 100));
        MemorySink sink = new MemorySink();
        start(config().build(), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 100);
        Path rotated = logs().resolve("app.json.1");
        // The writer still holds the old file: lines appended after the rename land in the rotated file.
        try (var w = Files.newOutputStream(a, StandardOpenOption.APPEND)) {
            Files.move(a, rotated);
            append(a, range("new", 0, 50));
            for (String m : range("old", 100, 120)) {
                w.write(("{\"message\":\"" + m + "\"}\n").getBytes());
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 170);
        Thread.sleep(500);
        List<String> expected = new ArrayList<>(List.of(range("old", 0, 120)));
        expected.addAll(List.of(range("new", 0, 50)));
        assertThat(sink.messages()).containsExactlyInAnyOrderElementsOf(expected);
        await().atMost(Duration.ofSeconds(10)).until(() ->
                new CheckpointStore(dir.resolve("state/checkpoint.json")).load().size() == 1);
    }

    @Test
    void aDeletedFileIsDrainedThenReleased() throws Exception {
        Path a = logs().resolve("gone.json");
        append(a, range("g", 0, 30));
        Path b = logs().resolve("stays.json");
        append(b, "s0");
        MemorySink sink = new MemorySink();
        start(config().build(), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 31);
        Files.delete(a);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            List<FilePosition> p = new CheckpointStore(dir.resolve("state/checkpoint.json")).load();
            return p.size() == 1 && p.get(0).path().endsWith("stays.json");
        });
    }

    @Test
    void copytruncateRestartsAtTheBeginning() throws Exception {
        Path a = logs().resolve("app.json");
        append(a, range("before", 0, 40));
        MemorySink sink = new MemorySink();
        start(config().build(), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 40);
        Files.copy(a, logs().resolve("app.json.1.gz-later"), StandardCopyOption.REPLACE_EXISTING);
        try (var ch = java.nio.channels.FileChannel.open(a, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(a, range("after", 0, 5));
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 45);
        assertThat(sink.messages().subList(40, 45)).containsExactly(range("after", 0, 5));
    }

    /** logrotate's copytruncate: copy the file, then truncate it in place; then the application writes on. */
    private static void copytruncate(Path file, Path copy) throws IOException {
        Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
        try (var ch = java.nio.channels.FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
    }

    private static long distinctIds(MemorySink sink) {
        return sink.received.stream().map(n -> n.path("event.id").asText()).distinct().count();
    }

    @Test
    void aCopytruncateCopyTheGlobMatchesContinuesTheTruncatedFileAndSendsNoLineTwice() throws Exception {
        Path a = logs().resolve("app.json");
        append(a, range("before", 0, 40)); // no event.id of their own: the edge derives them
        MemorySink sink = new MemorySink();
        start(config().build(), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 40);
        append(a, range("late", 0, 20)); // may or may not be read before the truncation: either way, once
        copytruncate(a, logs().resolve("app.1.json"));
        append(a, range("after", 0, 5));
        List<String> expected = new ArrayList<>(List.of(range("before", 0, 40)));
        expected.addAll(List.of(range("late", 0, 20)));
        expected.addAll(List.of(range("after", 0, 5)));
        await().atMost(Duration.ofSeconds(15)).until(() -> sink.received.size() >= 65);
        Thread.sleep(6000); // past the copy grace: a copy read from its start would show now
        assertThat(sink.messages()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(distinctIds(sink)).isEqualTo(65);
    }

    @Test
    void aCopyMadeWhileTheShipperWasDownContinuesFromTheCheckpointWithTheSameDerivedIds() throws Exception {
        Path a = logs().resolve("app.json");
        append(a, range("sent", 0, 30));
        MemorySink first = new MemorySink();
        Tailer t = start(config().build(), first);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.received.size() == 30);
        await().atMost(Duration.ofSeconds(10)).until(() -> savedOffset() == Files.size(a));
        stop(t);
        append(a, range("unsent", 0, 10));
        copytruncate(a, logs().resolve("app.1.json"));
        append(a, range("after", 0, 5));
        MemorySink second = new MemorySink();
        Tailer t2 = start(config().build(), second);
        await().atMost(Duration.ofSeconds(10)).until(() -> second.received.size() >= 15);
        Thread.sleep(1000);
        List<String> expected = new ArrayList<>(List.of(range("unsent", 0, 10)));
        expected.addAll(List.of(range("after", 0, 5)));
        assertThat(second.messages()).containsExactlyInAnyOrderElementsOf(expected);
        // Stopped and started again, the copy keeps the truncated content's identity: nothing is sent again.
        await().atMost(Duration.ofSeconds(10)).until(() -> new CheckpointStore(dir.resolve("state/checkpoint.json"))
                .load().stream().anyMatch(p -> p.origin() != null));
        stop(t2);
        MemorySink third = new MemorySink();
        start(config().build(), third);
        Thread.sleep(1500);
        assertThat(third.received).isEmpty();
    }

    private static java.util.Map<String, String> idsByMessage(MemorySink sink) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        sink.received.forEach(n -> out.put(n.path("message").asText(), n.path("event.id").asText()));
        return out;
    }

    @Test
    void contentTruncatedJustBeforeAStopIsContinuedByACopyFoundAfterTheRestart() throws Exception {
        Path a = logs().resolve("app.json");
        append(a, range("acked", 0, 30));
        MemorySink first = new MemorySink();
        Tailer t = start(config().build(), first);
        await().atMost(Duration.ofSeconds(10)).until(() -> savedOffset() == Files.size(a) && Files.size(a) > 0);
        first.hold = true; // Kafka stops acknowledging
        append(a, range("unacked", 0, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> first.received.size() == 40);
        // copytruncate; the copy gets a name the glob matches only after the shipper has stopped.
        Files.copy(a, logs().resolve("app.json.copying"));
        try (var ch = java.nio.channels.FileChannel.open(a, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(a, range("after", 0, 5));
        await().atMost(Duration.ofSeconds(10)).until(() -> first.received.size() == 45);
        stop(t);
        Files.move(logs().resolve("app.json.copying"), logs().resolve("app.1.json"));
        MemorySink second = new MemorySink();
        start(config().build(), second);
        await().atMost(Duration.ofSeconds(10)).until(() -> second.received.size() >= 15);
        Thread.sleep(1000);
        List<String> expected = new ArrayList<>(List.of(range("unacked", 0, 10)));
        expected.addAll(List.of(range("after", 0, 5)));
        assertThat(second.messages()).containsExactlyInAnyOrderElementsOf(expected);
        java.util.Map<String, String> before = idsByMessage(first);
        idsByMessage(second).forEach((m, id) -> assertThat(id).as("id of %s", m).isEqualTo(before.get(m)));
    }

    @Test
    void aCopyFoundWhileTheOldContentAwaitsKafkaIsCheckpointedOnlyAsFarAsAcknowledged() throws Exception {
        Path a = logs().resolve("app.json");
        append(a, range("acked", 0, 30));
        MemorySink first = new MemorySink();
        Tailer t = start(config().build(), first);
        await().atMost(Duration.ofSeconds(10)).until(() -> savedOffset() == Files.size(a) && Files.size(a) > 0);
        first.hold = true;
        append(a, range("unacked", 0, 10));
        await().atMost(Duration.ofSeconds(10)).until(() -> first.received.size() == 40);
        copytruncate(a, logs().resolve("app.1.json")); // found and continued at once
        Thread.sleep(1000);
        stop(t); // the 10 are still not acknowledged
        MemorySink second = new MemorySink();
        start(config().build(), second);
        await().atMost(Duration.ofSeconds(10)).until(() -> second.received.size() >= 10);
        Thread.sleep(1000);
        assertThat(second.messages()).containsExactlyInAnyOrder(range("unacked", 0, 10));
        java.util.Map<String, String> before = idsByMessage(first);
        idsByMessage(second).forEach((m, id) -> assertThat(id).as("id of %s", m).isEqualTo(before.get(m)));
    }

    @Test
    void newContentIsInTheCheckpointBeforeItsFirstLineIsSentSoACopyAfterACrashKeepsItsIds() throws Exception {
        Path a = logs().resolve("app.json");
        Path checkpoint = dir.resolve("state/checkpoint.json");
        append(a, range("early", 0, 10));
        MemorySink first = new MemorySink();
        // No periodic checkpoint during the test: only what the tailer writes of its own accord is on disk.
        Tailer t = start(config().checkpointInterval(Duration.ofHours(1)).build(), first);
        await().atMost(Duration.ofSeconds(10)).until(() -> first.received.size() == 10);
        // A crash now leaves on disk what is there now (the clean stop below would write more).
        byte[] atCrash = Files.exists(checkpoint) ? Files.readAllBytes(checkpoint) : null;
        stop(t);
        if (atCrash == null) {
            Files.delete(checkpoint);
        } else {
            Files.write(checkpoint, atCrash);
        }
        copytruncate(a, logs().resolve("app.1.json")); // while the shipper is down
        MemorySink second = new MemorySink();
        start(config().build(), second);
        Thread.sleep(2000);
        java.util.Map<String, String> before = idsByMessage(first);
        idsByMessage(second).forEach((m, id) -> assertThat(id).as("id of %s sent again", m).isEqualTo(before.get(m)));
    }

    @Test
    void aNewFileThatStartsLikeAFollowedOneButIsNoCopyIsReadAfterTheCopyGrace() throws Exception {
        Path a = logs().resolve("a.json");
        append(a, "same first line", "a1");
        MemorySink sink = new MemorySink();
        start(config().build(), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 2);
        append(logs().resolve("b.json"), "same first line", "b1", "b2");
        await().atMost(Duration.ofSeconds(15)).until(() -> sink.received.size() == 5);
        assertThat(sink.messages()).containsExactlyInAnyOrder("same first line", "a1", "same first line", "b1", "b2");
        assertThat(distinctIds(sink)).isEqualTo(5);
    }

    @Test
    void contentWrittenPastTheReadPositionRightAfterATruncationIsReadFromItsStartOnly() throws Exception {
        Path a = logs().resolve("app.json");
        append(a, range("old", 0, 40));
        MemorySink sink = new MemorySink();
        start(config().build(), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 40);
        // Truncated and, before the shipper looks again, longer than before: its size alone does not tell.
        StringBuilder fresh = new StringBuilder();
        for (String m : range("new-generation-", 0, 60)) {
            fresh.append("{\"message\":\"").append(m).append("\"}\n");
        }
        try (var ch = java.nio.channels.FileChannel.open(a, StandardOpenOption.WRITE)) {
            ch.truncate(0);
            ch.write(java.nio.ByteBuffer.wrap(fresh.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)), 0);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() >= 100);
        Thread.sleep(1500); // past the periodic first-line check, which would read it all again
        assertThat(sink.messages().subList(40, sink.messages().size()))
                .containsExactly(range("new-generation-", 0, 60));
    }

    @Test
    void aCheckpointForOtherContentAtTheSameInodeIsIgnored() throws Exception {
        Path a = logs().resolve("app.json");
        append(a, range("first", 0, 10));
        MemorySink sink = new MemorySink();
        Tailer t = start(config().build(), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 10);
        stop(t);
        // Same inode, new content longer than the saved offset: only the fingerprint tells them apart.
        try (var ch = java.nio.channels.FileChannel.open(a, StandardOpenOption.WRITE)) {
            ch.truncate(0);
        }
        append(a, range("second-generation-", 0, 20));
        MemorySink again = new MemorySink();
        start(config().build(), again);
        await().atMost(Duration.ofSeconds(10)).until(() -> again.received.size() == 20);
        assertThat(again.messages()).containsExactly(range("second-generation-", 0, 20));
    }

    @Test
    void failedSendsAreRetriedAndNothingIsLost() throws Exception {
        Path a = logs().resolve("a.json");
        append(a, range("r", 0, 20));
        MemorySink sink = new MemorySink();
        sink.failNext.set(6); // consecutive refusals: 0.2 s, 0.4 s, ... backoff
        start(config().build(), sink);
        await().atMost(Duration.ofSeconds(15)).until(() -> sink.received.size() == 20);
        assertThat(sink.messages()).containsExactlyInAnyOrder(range("r", 0, 20));
        await().atMost(Duration.ofSeconds(10)).until(() -> savedOffset() == Files.size(a));
    }

    @Test
    void aSinkRefusingAtOnceIsRetriedWithoutLosingOrStalling() throws Exception {
        Path a = logs().resolve("a.json");
        append(a, range("s", 0, 200));
        MemorySink sink = new MemorySink();
        sink.refuseNext.set(5);
        start(config().build(), sink);
        await().atMost(Duration.ofSeconds(15)).until(() -> sink.received.size() == 200);
        assertThat(sink.messages()).containsExactlyInAnyOrder(range("s", 0, 200));
    }

    @Test
    void readingPausesWhileTooManyBytesAwaitAcknowledgement() throws Exception {
        Path a = logs().resolve("a.json");
        append(a, range("x".repeat(1000), 0, 1000));
        MemorySink sink = new MemorySink();
        sink.hold = true;
        Tailer t = start(config().maxInflightBytes(100_000).build(), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() > 0);
        Thread.sleep(500);
        int seen = sink.received.size();
        assertThat(seen).isLessThan(1000);
        assertThat(t.inflightBytes()).isLessThan(100_000 + 64 * 1024 * 2);
        sink.release();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            sink.release();
            return sink.received.size() == 1000;
        });
    }

    @Test
    void multilineJoinsContinuationLines() throws Exception {
        Path a = logs().resolve("a.json");
        Files.writeString(a, "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n\tat d.E.f(E.java:2)\n"
                + "{\"message\":\"next\"}\n", StandardOpenOption.CREATE);
        MemorySink sink = new MemorySink();
        start(config().multilinePattern(java.util.regex.Pattern.compile("^\\s")).multilineTimeout(
                Duration.ofMillis(100)).build(), sink);
        await().atMost(Duration.ofSeconds(10)).until(() -> sink.received.size() == 2);
        assertThat(sink.messages().get(0)).isEqualTo(
                "java.lang.IllegalStateException: boom\n\tat a.B.c(B.java:1)\n\tat d.E.f(E.java:2)");
        assertThat(sink.messages().get(1)).isEqualTo("next");
    }
}
