package io.fabstir.shipper.pipeline;

import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.enrichers.LogRecord;
import io.fabstir.enrichers.format.Fixtures;
import io.fabstir.enrichers.format.FormatMapper;
import io.fabstir.localservices.LocalKafka;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.shipper.harness.Scrape;
import io.fabstir.shipper.harness.ShipperProcess;
import io.fabstir.shipper.index.IndexLoop;
import io.fabstir.shipper.normalize.RecordNormalizer;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchSink;
import io.fabstir.templates.TemplateInstaller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Records of the common structured loggers through the encoder-free path an operator runs: every line of every
 * format's fixture (enrichers' {@code src/test/resources/formats}, written from each library's documentation), plain
 * ECS records with a string {@code error} or {@code host}, a job of the Fabstir guide's winston node that fails with
 * its trace context, and a format of the edge's own YAML, written to a file → {@code tail} (the CLI, a child JVM, its
 * {@code formats:} section and {@code /metrics}) → the real Kafka → the central loop → the real Elasticsearch.
 */
@Tag("integration")
class FormatsPipelineTest {

    private static final String RUN = Long.toString(System.currentTimeMillis() % 10_000_000L, 36);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE = String.format("%032x", Math.abs((long) RUN.hashCode()) + 0x4bf92fL);
    private static final String JOB = "job-traced-" + RUN;
    private static final String EDGE_YAML = """
            formats:
              custom:
                - name: billing
                  match: {equals: {service: billing}}
                  like: winston
                  dataset: fabstir.billing
            """;
    /** Lines that are no fixture's, by name. */
    private static final Map<String, String> EXTRA = extraLines();
    private static final List<AutoCloseable> CLOSE = new ArrayList<>();
    private static final PrometheusRegistry REGISTRY = new PrometheusRegistry();
    /** What was written, by its byte offset in the file (the edge's log.offset). */
    private static final Map<Long, Written> WRITTEN = new LinkedHashMap<>();
    /** What Elasticsearch holds, by log.offset. */
    private static final Map<Long, JsonNode> STORED = new HashMap<>();

    private static EsProbe probe;
    private static String indices;
    private static String dlqIndices;
    private static String tailMetrics;

    /** One line: a fixture's case, or one of {@link #EXTRA} (then {@code fixture} is null). */
    record Written(String name, String line, Fixtures.Case fixture) {
    }

    @BeforeAll
    static void runThePipeline(@TempDir Path dir) throws Exception {
        LocalKafka kafka = SharedServices.kafka();
        String topic = "it.formats." + RUN;
        kafka.createTopic(topic, 1);
        kafka.createTopic(topic + ".dlq", 1);
        probe = new EsProbe(SharedServices.elasticsearch().url());
        CLOSE.add(probe);
        TemplateInstaller.builder().client(probe.client()).replicas(0).build().install();
        indices = "fabstir-logs-fmt" + RUN + "-*";
        dlqIndices = "fabstir-logs-dlq-fmt" + RUN + "-*";

        Path log = Files.createDirectories(dir.resolve("logs")).resolve("app.json");
        writeLines(log);
        Path yaml = Files.writeString(dir.resolve("edge.yaml"), EDGE_YAML);
        int metricsPort = freePort();
        ShipperProcess tail = ShipperProcess.start(dir, kafka.bootstrapServers(), topic, List.of(log.toString()),
                "--config", yaml.toString(), "--metrics-port", Integer.toString(metricsPort));
        CLOSE.add(tail);
        // The fixtures' times are of 2024: a window of a century keeps them as written, whatever day this runs.
        IndexLoop loop = IndexLoop.builder().bootstrapServers(kafka.bootstrapServers())
                .topic(topic).dlqTopic(topic + ".dlq").groupId("g-formats-" + RUN).registry(REGISTRY)
                .normalizer(RecordNormalizer.builder().maxPast(Duration.ofDays(36_500)).build())
                .sink(ElasticsearchSink.builder().client(probe.client()).registry(REGISTRY)
                        .indexPattern("fabstir-logs-fmt" + RUN + "-{yyyy.MM.dd}")
                        .dlqPattern("fabstir-logs-dlq-fmt" + RUN + "-{yyyy.MM.dd}").build())
                .build();
        Thread t = new Thread(loop, "formats-index");
        t.setDaemon(true);
        t.start();
        CLOSE.add(loop);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> probe.count(indices) + probe.count(dlqIndices), n -> n >= WRITTEN.size());
        tailMetrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        probe.scan(indices, d -> STORED.put(LogRecord.of((ObjectNode) d.source()).get("log.offset").asLong(),
                d.source()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (int i = CLOSE.size() - 1; i >= 0; i--) {
            CLOSE.get(i).close();
        }
    }

    private static void writeLines(Path file) throws Exception {
        StringBuilder sb = new StringBuilder();
        long offset = 0;
        List<Written> all = new ArrayList<>();
        for (String format : FormatMapper.builtinNames()) {
            Fixtures.load(format).forEach(c -> all.add(new Written(c.toString(), c.line(), c)));
        }
        EXTRA.forEach((name, line) -> all.add(new Written(name, line, null)));
        for (Written w : all) {
            WRITTEN.put(offset, w);
            sb.append(w.line()).append('\n');
            offset += w.line().getBytes(StandardCharsets.UTF_8).length + 1;
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    private static Map<String, String> extraLines() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("ecs string error", "{\"@timestamp\":\"2024-11-24T09:00:00.000Z\",\"log.level\":\"ERROR\","
                + "\"message\":\"upload failed\",\"service.name\":\"uploader\",\"error\":\"connection reset\"}");
        m.put("ecs string host", "{\"@timestamp\":\"2024-11-24T09:00:01.000Z\",\"log.level\":\"INFO\","
                + "\"message\":\"started\",\"host\":\"web-1\"}");
        m.put("winston job started, traced", "{\"level\":\"info\",\"message\":\"Job processing started\",\"jobId\":\""
                + JOB + "\",\"model\":\"llama-3-8b\",\"trace_id\":\"" + TRACE + "\",\"span_id\":\"00f067aa0ba902b7\","
                + "\"service\":\"fabstir-node\",\"nodeId\":\"node-7\",\"timestamp\":\"2024-11-24T08:30:00.000+0000\"}");
        m.put("winston job failed, traced", "{\"level\":\"error\",\"message\":\"Job processing failed\","
                + "\"error\":\"CUDA out of memory\",\"stack\":\"Error: CUDA out of memory\\n    at runInference "
                + "(/app/src/inference.js:88:11)\",\"duration\":4210,\"jobId\":\"" + JOB + "\",\"model\":"
                + "\"llama-3-8b\",\"trace_id\":\"" + TRACE + "\",\"span_id\":\"00f067aa0ba902b7\",\"service\":"
                + "\"fabstir-node\",\"nodeId\":\"node-7\",\"timestamp\":\"2024-11-24T08:30:04.210+0000\"}");
        m.put("encoder record of the same trace", "{\"@timestamp\":\"2024-11-24T08:30:04.300000Z\","
                + "\"log.level\":\"INFO\",\"message\":\"GPU 0 released\",\"log.logger\":\"io.fabstir.node.gpu.Gpu\","
                + "\"event.id\":\"enc-" + RUN + "\",\"event.dataset\":\"fabstir.app\",\"trace.id\":\"" + TRACE
                + "\",\"span.id\":\"00f067aa0ba902b8\"}");
        m.put("billing (the YAML's own format)", "{\"level\":\"info\",\"message\":\"invoice sent\",\"service\":"
                + "\"billing\",\"invoiceId\":\"inv-1\",\"timestamp\":\"2024-11-24T08:40:00.000Z\"}");
        return m;
    }

    private static JsonNode stored(String extra) {
        for (Map.Entry<Long, Written> e : WRITTEN.entrySet()) {
            if (e.getValue().fixture() == null && e.getValue().name().equals(extra)) {
                return STORED.get(e.getKey());
            }
        }
        throw new IllegalArgumentException(extra);
    }

    private static JsonNode field(JsonNode source, String path) {
        return LogRecord.of((ObjectNode) source).get(path);
    }

    private static String text(JsonNode source, String path) {
        return LogRecord.of((ObjectNode) source).text(path);
    }

    @Test
    void everyRecordIsIndexedAndNoneIsDeadLettered() {
        assertThat(probe.count(dlqIndices)).isZero();
        assertThat(STORED.keySet()).containsExactlyInAnyOrderElementsOf(WRITTEN.keySet());
    }

    @Test
    void eachFormatsRecordHoldsWhatTheTableSaysAndKeepsItsOriginal() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (Map.Entry<Long, Written> e : WRITTEN.entrySet()) {
            Fixtures.Case c = e.getValue().fixture();
            JsonNode doc = STORED.get(e.getKey());
            if (c == null || doc == null) {
                continue; // the extras are checked below; a missing one fails the test above
            }
            soft.assertThat(text(doc, FormatMapper.FORMAT)).as("%s: format", c).isEqualTo(c.format());
            for (String always : List.of("@timestamp", "log.level", "event.dataset")) {
                soft.assertThat(field(doc, always)).as("%s: %s", c, always).isNotNull();
            }
            LogRecord line = LogRecord.parse(c.line());
            if (line.has("message") || line.has("msg") || c.format().equals("structlog")) {
                soft.assertThat(text(doc, "message")).as("%s: message", c).isNotBlank();
            }
            // The fixture says what the edge writes; where the indexer then moved a value the template refuses
            // (zap's "url": "https://…" → url.original), the value as the edge wrote it is in fabstir.original.
            String repairs = String.valueOf(field(doc, "fabstir.normalized"));
            c.expect().fields().forEachRemaining(x -> soft.assertThat(Fixtures.same(
                    repairs.contains("\"type_clash:" + x.getKey() + "\"") ? keptByIndexer(doc, x.getKey())
                            : field(doc, x.getKey()), x.getValue()))
                    .as("%s: %s should be %s in %s", c, x.getKey(), x.getValue(), doc).isTrue());
            for (String absent : c.absent()) {
                soft.assertThat(field(doc, absent)).as("%s: %s absent", c, absent).isNull();
            }
            JsonNode originals = field(doc, FormatMapper.ORIGINAL);
            for (String source : c.original()) {
                soft.assertThat(originals == null ? null : originals.get(source)).as("%s: original of %s", c, source)
                        .isEqualTo(line.get(source));
            }
        }
        soft.assertAll();
    }

    /** What the indexer kept of a value it moved: after the edge's own original of that name, if any, as {@code #2}. */
    private static JsonNode keptByIndexer(JsonNode doc, String key) {
        JsonNode originals = field(doc, FormatMapper.ORIGINAL);
        return originals.has(key + "#2") ? originals.get(key + "#2") : originals.get(key);
    }

    @Test
    void plainEcsRecordsWithAStringErrorOrHostAreIndexedWithTheValueWhereEcsPutsIt() {
        JsonNode error = stored("ecs string error");
        assertThat(text(error, "error.message")).isEqualTo("connection reset");
        assertThat(text(error, "fabstir.original.error")).isEqualTo("connection reset");
        assertThat(field(error, "fabstir.normalized").toString()).contains("type_clash:error");
        JsonNode host = stored("ecs string host");
        assertThat(text(host, "host.name")).as("the edge's host name").isEqualTo("it-host");
        assertThat(text(host, "labels.host")).as("the record's own, where host.name was taken").isEqualTo("web-1");
        assertThat(text(host, "fabstir.original.host")).isEqualTo("web-1");
    }

    @Test
    void aFormatOfTheEdgesYamlMapsItsRecords() {
        JsonNode billing = stored("billing (the YAML's own format)");
        assertThat(text(billing, FormatMapper.FORMAT)).isEqualTo("billing");
        assertThat(text(billing, "event.dataset")).isEqualTo("fabstir.billing");
        assertThat(text(billing, "service.name")).isEqualTo("billing");
        assertThat(text(billing, "log.level")).isEqualTo("INFO");
    }

    @Test
    void theFailedJobsSavedSearchFindsTheWinstonJobFailureAndItsTraceIdFindsTheJobsRecords() throws Exception {
        JsonNode failedJobs = savedSearch("fabstir-failed-jobs");
        SearchResponse<ObjectNode> found = probe.client().search(s -> s.index(indices).size(100)
                .withJson(new StringReader(failedJobs.get("body").toString())), ObjectNode.class);
        List<ObjectNode> failures = found.hits().hits().stream().map(Hit::source)
                .filter(h -> JOB.equals(text(h, "fabstir.job.id"))).toList();
        assertThat(failures).singleElement().satisfies(f -> {
            assertThat(text(f, FormatMapper.FORMAT)).isEqualTo("winston");
            assertThat(text(f, "error.type")).isEqualTo("Error");
            assertThat(text(f, "error.message")).isEqualTo("CUDA out of memory");
            assertThat(text(f, "trace.id")).isEqualTo(TRACE);
        });
        // trace.id is the keyword every record has, so the data view's Jaeger link and a KQL search work alike.
        SearchResponse<ObjectNode> trace = probe.client().search(s -> s.index(indices).size(100)
                .query(q -> q.term(t -> t.field("trace.id").value(TRACE))), ObjectNode.class);
        assertThat(trace.hits().hits().stream().map(h -> text(h.source(), "message")))
                .containsExactlyInAnyOrder("Job processing started", "Job processing failed", "GPU 0 released");
    }

    @Test
    void tailCountsTheRecordsItMappedByFormatOnItsMetricsPort() {
        Map<String, Long> perFormat = new HashMap<>();
        WRITTEN.values().stream().filter(w -> w.fixture() != null)
                .forEach(w -> perFormat.merge(w.fixture().format(), 1L, Long::sum));
        perFormat.merge("winston", 2L, Long::sum); // the traced job's two lines
        perFormat.put("billing", 1L);
        perFormat.forEach((format, n) -> assertThat(sample("fabstir_shipper_records_mapped_total{format=\""
                + format + "\"}")).as(format).isEqualTo(n.doubleValue()));
    }

    /** A series' value in tail's /metrics exposition; -1 when it is not there. */
    private static double sample(String series) {
        return tailMetrics.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).findFirst().orElse(-1);
    }

    @Test
    void theIndexerCountsTheClashesItRepairedUnderItsSink() {
        assertThat(Scrape.counter(REGISTRY, "fabstir_indexer_type_clashes", "field", "error")).isGreaterThanOrEqualTo(1);
        assertThat(Scrape.counter(REGISTRY, "fabstir_indexer_type_clashes", "field", "host")).isGreaterThanOrEqualTo(1);
        assertThat(Scrape.counter(REGISTRY, "fabstir_indexer_type_clashes", "sink", "elasticsearch"))
                .isGreaterThanOrEqualTo(2);
    }

    private static JsonNode savedSearch(String id) throws Exception {
        try (InputStream in = FormatsPipelineTest.class.getResourceAsStream("/kibana/queries.json")) {
            for (JsonNode s : JSON.readTree(in).get("searches")) {
                if (s.get("id").asText().equals(id)) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException(id);
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
