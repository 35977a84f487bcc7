package io.fabstir.shipper.tail;

import io.fabstir.localservices.LocalKafka;
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
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker (a child process of its own) is stopped for 30 s while lines keep coming. */
@Tag("integration")
class TailBrokerOutageTest {

    @TempDir
    Path dir;

    @Test
    void brokerDownForThirtySecondsThenBackLosesNothing() throws Exception {
        try (LocalKafka broker = LocalKafka.childProcess(dir.resolve("kafka"))) {
            String bootstrap = broker.bootstrapServers();
            String topic = "it-tail-outage";
            broker.createTopic(topic, 1);
            Path logs = Files.createDirectories(dir.resolve("logs"));
            Path app = logs.resolve("app.json");
            Files.createFile(app);
            Set<String> written;
            try (ShipperProcess p = ShipperProcess.start(dir, bootstrap, topic, List.of(app.toString())).awaitFollowing()) {
                try (LogWriter writer = new LogWriter(app, 1000, LogWriter.Rotation.NONE, 0).start()) {
                    Thread.sleep(3000);
                    broker.stop();
                    Thread.sleep(30_000);
                    assertThat(p.alive()).as("shipper survives the outage").isTrue();
                    broker.start();
                    Thread.sleep(3000);
                    written = writer.written();
                }
                try (TopicContents kafka = new TopicContents(bootstrap, topic)) {
                    kafka.readUntil(r -> new HashSet<>(kafka.eventIds()).containsAll(written),
                            Duration.ofSeconds(120));
                    Set<String> missing = new HashSet<>(written);
                    missing.removeAll(kafka.eventIds());
                    assertThat(missing).as("lines written but not in Kafka").isEmpty();
                    System.out.printf("broker outage: %d lines written, %d records in Kafka%n", written.size(),
                            kafka.records().size());
                }
                assertThat(p.terminate()).isEqualTo(143);
            }
        }
    }
}
