package io.fabstir.shipper.tail;

import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.LogWriter;
import io.fabstir.shipper.harness.ShipperProcess;
import io.fabstir.shipper.harness.TopicContents;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** kill -9 of the tail process at random points while an application writes 5,000 lines/s. */
@Tag("integration")
class TailCrashTest {

    /** Six kills at random points (the fault suite's kill -9 storm adds two dozen more per run, of every part). */
    private static final int KILLS = 6;

    @TempDir
    Path dir;

    @Test
    void killNineAtRandomPointsThenRestartLosesNoLine() throws Exception {
        String bootstrap = SharedServices.kafkaBootstrap();
        String topic = "it-tail-crash-" + System.nanoTime();
        SharedServices.kafka().createTopic(topic, 1);
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path app = logs.resolve("app.json");
        Files.createFile(app);
        Random random = new Random(Long.getLong("fabstir.test.seed", System.nanoTime()));
        List<String> globs = List.of(logs + "/*.json");
        try (TopicContents kafka = new TopicContents(bootstrap, topic)) {
            Set<String> written;
            try (LogWriter writer = new LogWriter(app, 5000, LogWriter.Rotation.NONE, 0).start()) {
                for (int i = 0; i < KILLS; i++) {
                    ShipperProcess p = ShipperProcess.start(dir, bootstrap, topic, globs);
                    Thread.sleep(1200 + random.nextInt(2500));
                    p.kill9();
                }
                written = writer.written();
            }
            assertThat(dir.resolve("checkpoint.json.corrupt")).doesNotExist();
            try (ShipperProcess p = ShipperProcess.start(dir, bootstrap, topic, globs)) {
                boolean all = kafka.readUntil(r -> r.size() >= written.size()
                        && new HashSet<>(kafka.eventIds()).containsAll(written), Duration.ofSeconds(180));
                Set<String> missing = new HashSet<>(written);
                missing.removeAll(kafka.eventIds());
                assertThat(missing).as("lines written but not in Kafka").isEmpty();
                assertThat(all).isTrue();
                assertThat(p.terminate()).isEqualTo(143);
            }
            Set<String> inKafka = new HashSet<>(kafka.eventIds());
            assertThat(inKafka).isEqualTo(written);
            System.out.printf("kill -9 x%d: %d lines written, %d records in Kafka (%d re-sent after crashes)%n",
                    KILLS, written.size(), kafka.records().size(), kafka.records().size() - written.size());
        }
    }
}
