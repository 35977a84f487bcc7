package io.fabstir.localservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class ChildBrokerStopTest {

    @Test
    void stopShutsTheChildBrokerDownCleanlyInsteadOfHaltingIt(@TempDir Path dir) throws Exception {
        try (LocalKafka broker = LocalKafka.childProcess(dir.resolve("kafka"))) {
            broker.createTopic("stopped", 1);
            broker.stop();
            String out = Files.readString(dir.resolve("kafka").resolve("broker.out"), StandardCharsets.UTF_8);
            // Kafka's own clean-shutdown sequence ran to its end (a halted JVM stops at "shutting down").
            assertThat(out).contains("[BrokerServer id=1] shut down completed");
        }
    }
}
