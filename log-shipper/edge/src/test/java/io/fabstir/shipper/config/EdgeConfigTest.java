package io.fabstir.shipper.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EdgeConfigTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        return Files.writeString(dir.resolve("edge.yaml"), text);
    }

    private static final String BASE = """
            node_id: node-7
            environment: production
            paths: [/var/log/fabstir/*.json]
            kafka:
              bootstrap_servers: k1:9092
              producer:
                linger.ms: 50
                compression.type: zstd
            static_fields:
              labels.region: eu-west
            multiline:
              pattern: '^\\s'
            enrichers:
              gpu-model: {model: H100}
            """;

    @Test
    void readsNestedYaml() throws IOException {
        EdgeConfig c = EdgeConfig.load(yaml(BASE), Map.of(), Map.of());
        assertThat(c.nodeId()).isEqualTo("node-7");
        assertThat(c.paths()).containsExactly("/var/log/fabstir/*.json");
        assertThat(c.bootstrapServers()).isEqualTo("k1:9092");
        assertThat(c.producer()).containsEntry("linger.ms", "50").containsEntry("compression.type", "zstd");
        assertThat(c.staticFields()).containsEntry("labels.region", "eu-west");
        assertThat(c.multilinePattern().pattern()).isEqualTo("^\\s");
        assertThat(c.enrichers()).containsEntry("gpu-model", Map.of("model", "H100"));
        assertThat(c.topic()).isEqualTo("fabstir.logs");
        assertThat(c.maxLineBytes()).isEqualTo(262_144);
    }

    @Test
    void environmentOverridesYamlAndFlagsOverrideBoth() throws IOException {
        Map<String, String> env = Map.of("FABSTIR_NODE_ID", "from-env", "FABSTIR_KAFKA_TOPIC", "t-env",
                "FABSTIR_PATHS", "/a/*.json,/b/*.json", "FABSTIR_KAFKA_PRODUCER", "acks=all,linger.ms=5");
        Map<String, Object> flags = new HashMap<>();
        flags.put("kafka.topic", "t-flag");
        flags.put("kafka.producer", Map.of("batch.size", "1000"));
        EdgeConfig c = EdgeConfig.load(yaml(BASE), env, flags);
        assertThat(c.nodeId()).isEqualTo("from-env");
        assertThat(c.topic()).isEqualTo("t-flag");
        assertThat(c.paths()).containsExactly("/a/*.json", "/b/*.json");
        assertThat(c.producer()).containsEntry("linger.ms", "5").containsEntry("batch.size", "1000");
    }

    @Test
    void everyScalarKeyHasAnEnvironmentName() {
        assertThat(Settings.envName("kafka.bootstrap_servers")).isEqualTo("FABSTIR_KAFKA_BOOTSTRAP_SERVERS");
        assertThat(Settings.envName("multiline.timeout_ms")).isEqualTo("FABSTIR_MULTILINE_TIMEOUT_MS");
    }

    @Test
    void missingRequiredKeyIsNamedWithTheFix() throws IOException {
        assertThatThrownBy(() -> EdgeConfig.load(yaml("paths: [x]\nkafka: {bootstrap_servers: k:1}\n"), Map.of(),
                Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("node_id: is required")
                .hasMessageContaining("--node-id").hasMessageContaining("FABSTIR_NODE_ID");
    }

    @Test
    void unknownKeyIsNamed() throws IOException {
        assertThatThrownBy(() -> EdgeConfig.load(yaml(BASE + "kafka_topic: x\n"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("kafka_topic: unknown setting");
        assertThatThrownBy(() -> EdgeConfig.load(yaml(BASE.replace("bootstrap_servers", "bootstrap_server")),
                Map.of(), Map.of())).hasMessageStartingWith("kafka.bootstrap_server: unknown setting");
    }

    @Test
    void badValuesNameTheKeyAndWhereTheValueCameFrom() throws IOException {
        assertThatThrownBy(() -> EdgeConfig.load(yaml(BASE), Map.of("FABSTIR_MAX_LINE_BYTES", "lots"), Map.of()))
                .hasMessage("max_line_bytes: 'lots' is not a whole number (from FABSTIR_MAX_LINE_BYTES)");
        assertThatThrownBy(() -> EdgeConfig.load(yaml(BASE), Map.of(), Map.of("read_from", "middle")))
                .hasMessageStartingWith("read_from: 'middle' must be beginning or end");
        assertThatThrownBy(() -> EdgeConfig.load(yaml(BASE), Map.of(), Map.of("multiline.pattern", "(")))
                .hasMessageStartingWith("multiline.pattern: not a valid regex");
        assertThatThrownBy(() -> EdgeConfig.load(yaml(BASE), Map.of(), Map.of("max_line_bytes", "999999")))
                .hasMessageStartingWith("max_line_bytes: 999999 leaves no room");
    }

    @Test
    void emptyListFlagDoesNotHideTheYamlValue() throws IOException {
        Map<String, Object> flags = new HashMap<>();
        flags.put("paths", List.of());
        assertThat(EdgeConfig.load(yaml(BASE), Map.of(), flags).paths()).hasSize(1);
    }

    @Test
    void aCompressionCodecTheEdgeJarLeavesOutIsRefusedAtStartNamingTheKey() {
        ClassLoader withoutCodecs = new ClassLoader(null) { };
        assertThatThrownBy(() -> EdgeConfig.requireCodec(Map.of("compression.type", "zstd"), withoutCodecs))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.producer").hasMessageContaining("compression.type=zstd")
                .hasMessageContaining("lz4");
        EdgeConfig.requireCodec(Map.of("compression.type", "lz4"), withoutCodecs);
        EdgeConfig.requireCodec(Map.of(), withoutCodecs);
        EdgeConfig.requireCodec(Map.of("compression.type", "zstd"), EdgeConfig.class.getClassLoader());
    }
}
