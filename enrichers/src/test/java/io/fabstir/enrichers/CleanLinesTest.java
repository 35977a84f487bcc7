package io.fabstir.enrichers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabstir.enrichers.format.FormatConfig;
import io.fabstir.enrichers.format.FormatMapper;
import io.fabstir.enrichers.redact.Redactor;
import io.fabstir.enrichers.redact.SecretCorpus;
import io.fabstir.enrichers.redact.SecretCorpus.Secret;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shortcut for clean contract lines must give exactly what the full chain gives (members, values, order) for
 * every line it takes, and hand every other line back.
 */
class CleanLinesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/var/log/fabstir/node.json";
    private static final long OFFSET = 123_456_789L;
    private static final String CLEAN = "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"log.level\":\"INFO\","
            + "\"message\":\"job job-1 completed (model llama-3.1-8b): 1834 tokens in 4213 ms\","
            + "\"log.logger\":\"io.fabstir.node.jobs.JobRunner\",\"process.thread.name\":\"gpu-worker-3\","
            + "\"service.name\":\"fabstir-node\",\"event.id\":\"01JEX4Q5RZ8K2M3N4P5Q6R7S8T\","
            + "\"event.dataset\":\"fabstir.job\",\"event.duration\":4213000000,\"fabstir.job.tokens_used\":1834,"
            + "\"fabstir.gpu.ok\":true,\"fabstir.job.parent\":null,\"labels.ratio\":1.50,"
            + "\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span.id\":\"00f067aa0ba902b7\"}";

    private static EnricherChain chain() {
        return EnricherChain.builder().hostName("gpu-host-1").nodeId("node-7").environment("production")
                .staticFields(Map.of("labels.region", "eu-west")).build();
    }

    /** What the full chain makes of the line, as the edge calls it (position fields first). */
    private static byte[] full(EnricherChain chain, String line, String path, long offset) throws Exception {
        LogRecord r = LogRecord.of((ObjectNode) JSON.readTree(line));
        r.put("log.file.path", path);
        r.put("log.offset", offset);
        chain.enrich(r, new RecordOrigin("2049:1:ab", path, offset, Instant.parse("2026-12-06T05:00:00Z")));
        return r.toJsonBytes();
    }

    private static byte[] fast(EnricherChain chain, String line, String path, long offset) {
        byte[] b = ("xx" + line + "yy").getBytes(StandardCharsets.UTF_8); // not at the array's start or end
        return chain.cleanLines().enrich(b, 2, b.length - 4, path, offset);
    }

    private static void assertSameRecord(byte[] fast, byte[] full) throws Exception {
        JsonNode a = JSON.readTree(fast);
        JsonNode b = JSON.readTree(full);
        assertThat(a).isEqualTo(b);
        assertThat(names(a)).as("member order").isEqualTo(names(b));
    }

    private static List<String> names(JsonNode n) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    @Test
    void anEncoderLineGetsWhatTheFullChainGivesIt() throws Exception {
        byte[] fast = fast(chain(), CLEAN, PATH, OFFSET);
        assertThat(fast).isNotNull();
        assertSameRecord(fast, full(chain(), CLEAN, PATH, OFFSET));
        assertThat(new String(fast, StandardCharsets.UTF_8)).as("the line's own bytes are kept")
                .startsWith(CLEAN.substring(0, CLEAN.length() - 1) + ",\"log.file.path\":");
    }

    @Test
    void aLineWithSomeEdgeFieldsOfItsOwnKeepsThemAndGetsTheOthers() throws Exception {
        String line = CLEAN.replace("\"log.level\"", "\"host.name\":\"its-own-host\",\"labels.region\":7,"
                + "\"log.level\"");
        byte[] fast = fast(chain(), line, PATH, 0);
        assertThat(fast).isNotNull();
        assertSameRecord(fast, full(chain(), line, PATH, 0));
        assertThat(JSON.readTree(fast).get("host.name").asText()).isEqualTo("its-own-host");
    }

    @Test
    void trailingWhitespaceAndACarriageReturnAreDropped() throws Exception {
        byte[] fast = fast(chain(), CLEAN + " \t\r", PATH, 5);
        assertSameRecord(fast, full(chain(), CLEAN, PATH, 5));
    }

    @Test
    void pathsAndEdgeValuesAreRedactedAsTheChainRedactsThem() throws Exception {
        EnricherChain chain = EnricherChain.builder().hostName("gpu-host-1").nodeId("node-7")
                .staticField("fabstir.note", "password=hunter2hunter2").staticField("api_key", "k-123456789")
                .build();
        String path = "/logs/token=ghp_abcdefghijklmnopqrstuvwxyz0123456789/app.json";
        byte[] fast = fast(chain, CLEAN, path, 1);
        assertThat(fast).isNotNull();
        assertSameRecord(fast, full(chain, CLEAN, path, 1));
        assertThat(new String(fast, StandardCharsets.UTF_8)).doesNotContain("hunter2", "k-123456789", "ghp_abc");
        assertSameRecord(fast(chain, CLEAN, path, 2), full(chain, CLEAN, path, 2)); // the path's member, cached
        assertSameRecord(fast(chain, CLEAN, "/other.json", 3), full(chain, CLEAN, "/other.json", 3));
    }

    @Test
    void anOffsetUnderASensitiveNameIsMaskedAsTheChainMasksIt() throws Exception {
        EnricherChain chain = EnricherChain.builder().hostName("h").redactor(Redactor.builder()
                .sensitiveKey("log.offset").build()).build();
        byte[] fast = fast(chain, CLEAN, PATH, 42);
        assertSameRecord(fast, full(chain, CLEAN, PATH, 42));
        assertThat(JSON.readTree(fast).get("log.offset").asText()).isEqualTo(Redactor.MASK);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"message\":\"no id\"}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\" \",\"message\":\"blank id\"}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":17,\"message\":\"numeric id\"}",
        "{\"@timestamp\":\"2026-12-06 04:33:15\",\"event.id\":\"a\",\"message\":\"rewritten timestamp\"}",
        "{\"@timestamp\":1733459595000,\"event.id\":\"a\",\"message\":\"epoch timestamp\"}",
        "{\"event.id\":\"a\",\"message\":\"no timestamp\"}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event\":{\"id\":\"a\"},\"message\":\"nested\"}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\"a\",\"tags\":[\"x\"]}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\"a\",\"event.id\":\"b\"}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\"a\",\"log.file.path\":\"/x\"}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\"a\",\"log.offset\":1}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\"a\",\"host.name\":null}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\"a\",\"message\":\"password=hunter2\"}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\"a\",\"api_key\":\"abc\"}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\"a\",\"password\":1234}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\"a\"} {}",
        "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\"a\"",
        " {\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"event.id\":\"a\"}",
        "[\"@timestamp\"]",
        "plain text",
        ""
    })
    void anyOtherLineTakesTheFullPath(String line) {
        assertThat(fast(chain(), line, PATH, 0)).isNull();
    }

    @Test
    void aValueAlreadyMaskedUnderASensitiveNameStaysOnTheShortcut() throws Exception {
        String line = CLEAN.replace("\"log.level\"", "\"api_key\":\"[REDACTED]\",\"log.level\"");
        byte[] fast = fast(chain(), line, PATH, 0);
        assertThat(fast).isNotNull();
        assertSameRecord(fast, full(chain(), line, PATH, 0));
    }

    static List<Secret> secrets() {
        return SecretCorpus.secrets();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secrets")
    void aSecretInAnyMessageFormNeverPassesTheShortcut(Secret secret) throws Exception {
        for (int variant = 0; variant < 3; variant++) {
            ObjectNode line = (ObjectNode) JSON.readTree(CLEAN);
            line.put("message", SecretCorpus.inMessage(secret, variant));
            line.put(secret.name() == null ? "fabstir.target" : secret.name(), secret.value());
            String text = JSON.writeValueAsString(line);
            byte[] fast = fast(chain(), text, PATH, 0);
            if (fast != null) {
                assertSameRecord(fast, full(chain(), text, PATH, 0));
            }
            assertThat(fast == null ? null : SecretCorpus.leak(secret, new String(fast, StandardCharsets.UTF_8)))
                    .isNull();
        }
    }

    @Test
    void withRedactionOffSecretsAreNotTheShortcutsConcern() throws Exception {
        EnricherChain chain = EnricherChain.builder().hostName("h").redactor(Redactor.disabled()).build();
        String line = CLEAN.replace("\"log.level\"", "\"api_key\":\"abc\",\"log.level\"");
        byte[] fast = fast(chain, line, PATH, 0);
        assertThat(fast).isNotNull();
        assertSameRecord(fast, full(chain, line, PATH, 0));
    }

    @Test
    void aChainWithAnAddedEnricherHasNoShortcut() {
        assertThat(EnricherChain.builder().add((r, o) -> r.put("x", 1)).build().cleanLines()).isNull();
        assertThat(chain().cleanLines()).isNotNull();
    }

    @Test
    void withFormatMappingAnEncoderLineKeepsTheShortcut() throws Exception {
        EnricherChain chain = EnricherChain.builder().formats(FormatMapper.defaults()).hostName("gpu-host-1")
                .nodeId("node-7").build();
        byte[] fast = chain.cleanLines().enrich(CLEAN.getBytes(StandardCharsets.UTF_8), 0, CLEAN.length(), PATH, 1);
        assertThat(fast).isNotNull();
        assertSameRecord(fast, full(chain, CLEAN, PATH, 1));
    }

    @Test
    void withFormatMappingALineTheMapperWouldMapTakesTheFullPath() throws Exception {
        // logstash-logback-encoder's form with an event.id of its own: a canonical @timestamp, but level, not log.level
        String line = CLEAN.replace("\"log.level\"", "\"@version\":\"1\",\"level\"");
        EnricherChain chain = EnricherChain.builder().formats(FormatMapper.defaults()).hostName("gpu-host-1").build();
        assertThat(chain.cleanLines().enrich(line.getBytes(StandardCharsets.UTF_8), 0, line.length(), PATH, 1))
                .isNull();
        assertThat(JSON.readTree(full(chain, line, PATH, 1)).get("log.level").asText()).isEqualTo("INFO");
        EnricherChain unmapped = EnricherChain.builder().hostName("gpu-host-1").build();
        assertThat(unmapped.cleanLines().enrich(line.getBytes(StandardCharsets.UTF_8), 0, line.length(), PATH, 1))
                .as("without format mapping nothing would touch the level").isNotNull();
    }

    @Test
    void aCustomFormatTurnsTheShortcutOff() throws Exception {
        FormatMapper custom = FormatMapper.builder().config(FormatConfig.read(new ObjectMapper(new YAMLFactory())
                .readTree("custom: [{name: billing, match: {equals: {service.name: fabstir-node}}, like: winston}]")))
                .build();
        assertThat(EnricherChain.builder().formats(custom).build().cleanLines()).isNull();
    }
}
