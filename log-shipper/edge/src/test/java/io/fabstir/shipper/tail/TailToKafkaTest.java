package io.fabstir.shipper.tail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.LogWriter;
import io.fabstir.shipper.harness.ShipperProcess;
import io.fabstir.shipper.harness.TopicContents;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code fabstir-shipper tail} as a child process against a real Kafka broker. */
@Tag("integration")
class TailToKafkaTest {

    @TempDir
    Path dir;

    private static String topic(String name) {
        String t = "it-tail-" + name + "-" + System.nanoTime();
        SharedServices.kafka().createTopic(t, 1);
        return t;
    }

    private Path logs() throws IOException {
        return Files.createDirectories(dir.resolve("logs"));
    }

    private static void appendLines(Path f, int from, int to) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) {
            sb.append("{\"event.id\":\"r-").append(i).append("\",\"message\":\"m").append(i).append("\"}\n");
        }
        Files.writeString(f, sb, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void restartResumesFromTheCheckpointWithoutLossOrDuplicates() throws Exception {
        String bootstrap = SharedServices.kafkaBootstrap();
        String topic = topic("resume");
        Path app = logs().resolve("app.json");
        appendLines(app, 0, 2000);
        try (TopicContents kafka = new TopicContents(bootstrap, topic)) {
            try (ShipperProcess p = ShipperProcess.start(dir, bootstrap, topic, List.of(logs() + "/*.json"))) {
                assertThat(kafka.readUntil(r -> r.size() >= 2000, Duration.ofSeconds(90))).isTrue();
                assertThat(p.terminate()).as("exit code after SIGTERM").isEqualTo(143);
                assertThat(Files.readString(dir.resolve("shipper.log"))).contains("stopped; checkpoint written");
            }
            appendLines(app, 2000, 3000);
            try (ShipperProcess p = ShipperProcess.start(dir, bootstrap, topic, List.of(logs() + "/*.json"))) {
                assertThat(kafka.readUntil(r -> r.size() >= 3000, Duration.ofSeconds(90))).isTrue();
                kafka.drain(Duration.ofSeconds(2));
                assertThat(p.terminate()).isEqualTo(143);
            }
            assertThat(kafka.records()).hasSize(3000);
            assertThat(new HashSet<>(kafka.eventIds())).hasSize(3000);
            assertThat(kafka.keys()).containsOnly("node-it");
        }
    }

    @Test
    void badInputArrivesWrappedOrTruncatedWithAReason() throws Exception {
        String bootstrap = SharedServices.kafkaBootstrap();
        String topic = topic("bad");
        Path f = logs().resolve("bad.json");
        try (var out = Files.newOutputStream(f)) {
            out.write("not json at all\n".getBytes(StandardCharsets.UTF_8));
            out.write(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
            out.write("\0\0\0{\"message\":\"after NULs\"}\n".getBytes(StandardCharsets.UTF_8));
            out.write("\n".getBytes(StandardCharsets.UTF_8));
            byte[] big = new byte[5 * 1024 * 1024];
            java.util.Arrays.fill(big, (byte) 'y');
            out.write("{\"message\":\"".getBytes(StandardCharsets.UTF_8));
            out.write(big);
            out.write("\"}\n".getBytes(StandardCharsets.UTF_8));
            out.write("{\"message\":\"good\",\"password\":\"hunter2\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        try (TopicContents kafka = new TopicContents(bootstrap, topic);
             ShipperProcess p = ShipperProcess.start(dir, bootstrap, topic, List.of(f.toString()),
                     "--max-line-bytes", "65536")) {
            assertThat(kafka.readUntil(r -> r.size() >= 6, Duration.ofSeconds(90))).isTrue();
            List<JsonNode> r = kafka.records();
            assertThat(r.get(0).path("fabstir.parse_error").asText()).startsWith("not JSON");
            assertThat(r.get(0).path("message").asText()).isEqualTo("not json at all");
            assertThat(r.get(1).path("fabstir.parse_error").asText()).startsWith("invalid UTF-8 at byte 6");
            assertThat(r.get(2).path("fabstir.parse_error").asText()).startsWith("3 NUL byte(s)");
            assertThat(r.get(3).path("fabstir.parse_error").asText()).isEqualTo("empty line");
            assertThat(r.get(4).path("fabstir.truncated").asBoolean()).isTrue();
            assertThat(r.get(4).path("fabstir.original_bytes").asLong()).isEqualTo(5 * 1024 * 1024 + 14);
            assertThat(r.get(4).path("message").asText().length()).isEqualTo(65536);
            for (int i = 0; i < 5; i++) {
                assertThat(r.get(i).path("event.dataset").asText()).isEqualTo("fabstir.unparsed");
                assertThat(r.get(i).path("fabstir.timestamp_source").asText()).isEqualTo("ingest");
                assertThat(r.get(i).path("event.id").asText()).hasSize(36);
            }
            assertThat(r.get(5).path("message").asText()).isEqualTo("good");
            assertThat(r.get(5).path("password").asText()).isEqualTo("[REDACTED]");
            assertThat(r.get(5).has("fabstir.parse_error")).isFalse();
            assertThat(Files.readString(dir.resolve("shipper.log"))).doesNotContain("hunter2", "yyyyyyyy");
        }
    }

    @Test
    void renameRotationUnderLoadLosesNothing() throws Exception {
        String bootstrap = SharedServices.kafkaBootstrap();
        String topic = topic("rename");
        Path app = logs().resolve("app.json");
        Files.createFile(app);
        // Only app.json matches: rotated files are found again only through the inode the shipper holds open.
        try (TopicContents kafka = new TopicContents(bootstrap, topic);
             ShipperProcess p = ShipperProcess.start(dir, bootstrap, topic, List.of(app.toString())).awaitFollowing()) {
            LogWriter writer = new LogWriter(app, 5000, LogWriter.Rotation.RENAME, 4000).start();
            Thread.sleep(6000);
            writer.close();
            Set<String> written = writer.written();
            assertThat(writer.rotations()).isGreaterThanOrEqualTo(4);
            boolean all = kafka.readUntil(r -> new HashSet<>(kafka.eventIds()).containsAll(written),
                    Duration.ofSeconds(120));
            Set<String> missing = new HashSet<>(written);
            missing.removeAll(kafka.eventIds());
            assertThat(missing).as("lines written but not in Kafka").isEmpty();
            assertThat(all).isTrue();
            assertThat(p.alive()).isTrue();
        }
    }

    @Test
    void copytruncateUnderLoadLosesNothing() throws Exception {
        String bootstrap = SharedServices.kafkaBootstrap();
        String topic = topic("copytruncate");
        Path app = logs().resolve("app.json");
        Files.createFile(app);
        // copytruncate itself drops lines written between the copy and the truncate unless the copies are
        // shipped too; matching them makes that safe (their records keep their event.id, so they dedupe).
        try (TopicContents kafka = new TopicContents(bootstrap, topic);
             ShipperProcess p = ShipperProcess.start(dir, bootstrap, topic, List.of(app + "*")).awaitFollowing()) {
            LogWriter writer = new LogWriter(app, 5000, LogWriter.Rotation.COPYTRUNCATE, 4000).start();
            Thread.sleep(6000);
            writer.close();
            Set<String> written = writer.written();
            assertThat(writer.rotations()).isGreaterThanOrEqualTo(4);
            kafka.readUntil(r -> new HashSet<>(kafka.eventIds()).containsAll(written), Duration.ofSeconds(120));
            Set<String> missing = new HashSet<>(written);
            missing.removeAll(kafka.eventIds());
            assertThat(missing).as("lines written but not in Kafka").isEmpty();
            assertThat(Files.readString(dir.resolve("shipper.log"))).contains("copytruncate");
        }
    }

}
