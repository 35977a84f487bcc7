package io.fabstir.shipper.tail;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.localservices.LocalKafka;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SIGHUP under load: {@code tail} (a child JVM, as systemd's {@code ExecReload} signals it) reads its YAML again
 * while a writer appends 400 lines/s. New paths, static fields and redaction rules take effect, and every line is
 * in Kafka exactly once: nothing lost, nothing repeated, each record shaped wholly by the old rules or the new.
 */
@Tag("integration")
class TailReloadTest {

    @TempDir
    Path dir;

    @Test
    void sighupAppliesNewPathsStaticFieldsAndRedactionWithoutLosingOrRepeatingALine() throws Exception {
        LocalKafka kafka = SharedServices.kafka();
        String topic = "reload-" + UUID.randomUUID();
        kafka.createTopic(topic, 1);
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        // Lines already in b before the reload: the new glob must pick them up from the start.
        List<String> inB = new ArrayList<>();
        StringBuilder old = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            String token = "b-" + i;
            inB.add(token);
            old.append("{\"message\":\"old line ").append(i).append("\",\"seq\":\"").append(token).append("\"}\n");
        }
        Files.writeString(b.resolve("other.json"), old);
        Path yaml = dir.resolve("edge.yaml");
        Files.writeString(yaml, config(kafka, topic, List.of(a + "/*.json"), "one", List.of()));

        try (LogWriter writer = LogWriter.builder(a.resolve("app.json")).rate(400)
                .lines(n -> LogWriter.Line.of("{\"message\":\"line " + n + "\",\"seq\":\"a-" + n
                        + "\",\"customer_ref\":\"acct-" + n + "\"}", "a-" + n)).build().start();
             ShipperProcess tail = ShipperProcess.builder("tail-reload").heap("192m")
                     .args(List.of("tail", "--config", yaml.toString())).log(dir.resolve("tail.log")).start();
             TopicContents contents = new TopicContents(kafka.bootstrapServers(), topic)) {
            tail.awaitFollowing();
            Thread.sleep(2500);
            Files.writeString(yaml, config(kafka, topic, List.of(a + "/*.json", b + "/*.json"), "two",
                    List.of("customer_ref")));
            Process hup = new ProcessBuilder("kill", "-HUP", Long.toString(tail.pid())).start();
            assertThat(hup.waitFor()).isZero();
            tail.awaitLog("reloaded", Duration.ofSeconds(30));
            Thread.sleep(2500);
            writer.close();
            Set<String> expected = new HashSet<>(writer.written());
            expected.addAll(inB);
            assertThat(contents.readUntil(r -> r.size() >= expected.size(), Duration.ofSeconds(60)))
                    .as("all %d lines in Kafka; log: %s", expected.size(), tail.logTail(20)).isTrue();
            contents.drain(Duration.ofSeconds(2));
            assertThat(tail.alive()).as("SIGHUP must not stop tail: " + tail.logTail(20)).isTrue();

            List<JsonNode> records = contents.records();
            Map<String, Integer> seen = new HashMap<>();
            records.forEach(r -> seen.merge(r.path("seq").asText(), 1, Integer::sum));
            assertThat(seen.keySet()).as("nothing lost").containsAll(expected);
            assertThat(seen).as("nothing repeated").allSatisfy((seq, n) -> assertThat(n).as(seq).isEqualTo(1));

            // The writer's file, in file order: the old rules up to one line, the new ones from the next.
            List<JsonNode> fromA = records.stream().filter(r -> r.path("seq").asText().startsWith("a-")).toList();
            int switched = -1;
            for (int i = 0; i < fromA.size(); i++) {
                JsonNode r = fromA.get(i);
                String gen = r.path("labels.gen").asText(r.path("labels").path("gen").asText());
                String ref = r.path("customer_ref").asText();
                if (gen.equals("two")) {
                    if (switched < 0) {
                        switched = i;
                    }
                    assertThat(ref).as("redacted under the new rules: " + r).isEqualTo("[REDACTED]");
                } else {
                    assertThat(switched).as("an old-rules record after the switch: " + r).isNegative();
                    assertThat(gen).isEqualTo("one");
                    assertThat(ref).as("not redacted under the old rules").startsWith("acct-");
                }
            }
            assertThat(switched).as("records both before and after the reload").isPositive()
                    .isLessThan(fromA.size() - 1);
            assertThat(records.stream().filter(r -> r.path("seq").asText().startsWith("b-")))
                    .as("the new path's records carry the new static field")
                    .allSatisfy(r -> assertThat(r.path("labels.gen").asText(r.path("labels").path("gen").asText()))
                            .isEqualTo("two"));
        }
    }

    private String config(LocalKafka kafka, String topic, List<String> paths, String gen, List<String> redactKeys) {
        return String.join("\n",
                "node_id: node-reload",
                "host_name: reload-host",
                "paths: [" + String.join(", ", paths.stream().map(p -> "'" + p + "'").toList()) + "]",
                "checkpoint_file: " + dir.resolve("checkpoint.json"),
                "scan_interval_ms: 200",
                "poll_interval_ms: 20",
                "checkpoint_interval_ms: 200",
                "kafka:",
                "  bootstrap_servers: " + kafka.bootstrapServers(),
                "  topic: " + topic,
                "static_fields: {labels.gen: " + gen + "}",
                "redaction:",
                "  keys: [" + String.join(", ", redactKeys) + "]",
                "");
    }
}
