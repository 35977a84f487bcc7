package io.fabstir.shipper.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.shipper.normalize.Normalized;
import io.fabstir.shipper.normalize.RecordNormalizer;
import io.fabstir.shipper.sink.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordMapperTest {

    private final RecordMapper mapper = new RecordMapper(LabelRules.defaults(), RecordMapper.DEFAULT_METADATA,
            RecordMapper.DEFAULT_MAX_LINE_BYTES);

    /** The tests' "now": their timestamps lie in the window around it, whatever day they run on. */
    static final Instant NOW = Instant.parse("2026-11-24T08:00:00Z");
    private static final RecordNormalizer NORMALIZER = RecordNormalizer.builder()
            .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();

    /** The record as the loop's transform hands it to a sink (entered Kafka at {@code kafkaMs}). */
    static Normalized.Document doc(String json, long offset, long kafkaMs) {
        return (Normalized.Document) NORMALIZER.normalize(json.getBytes(StandardCharsets.UTF_8), "fabstir.logs", 0,
                offset, kafkaMs);
    }

    static Normalized.Document doc(String json, long offset) {
        return doc(json, offset, NOW.toEpochMilli());
    }

    /** A delivery that only says where its record was (for tests that follow entries by partition or offset). */
    record At(int partition, long offset) implements Sink.Delivery {
        @Override
        public void stored() {
        }

        @Override
        public void rejected(String errorType, String reason) {
        }

        @Override
        public boolean abandoned() {
            return false;
        }
    }

    /** A delivery no one waits for. */
    static final Sink.Delivery NOBODY = new Sink.Delivery() {
        @Override
        public void stored() {
        }

        @Override
        public void rejected(String errorType, String reason) {
        }

        @Override
        public boolean abandoned() {
            return false;
        }
    };

    @Test
    void flatRecordGivesLabelsMetadataTimestampAndTheJsonAsLine() throws Exception {
        String json = "{\"@timestamp\":\"2026-11-24T07:00:00.123456789Z\",\"log.level\":\"ERROR\","
                + "\"service.name\":\"fabstir-node\",\"event.dataset\":\"fabstir.job\",\"fabstir.node_id\":\"node-1\","
                + "\"event.id\":\"01JEV\",\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span.id\":\"00f067aa0ba902b7\","
                + "\"fabstir.job.id\":\"job-42\",\"message\":\"boom\"}";
        LogEntry e = mapper.map(doc(json, 5), NOBODY);
        assertThat(e.stream()).containsOnlyKeys("service_name", "level", "event_dataset", "node_id");
        assertThat(e.streamKey()).isEqualTo(
                "{event_dataset=\"fabstir.job\", level=\"error\", node_id=\"node-1\", service_name=\"fabstir-node\"}");
        assertThat(e.metadata()).containsEntry("event_id", "01JEV")
                .containsEntry("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")
                .containsEntry("span_id", "00f067aa0ba902b7").containsEntry("fabstir_job_id", "job-42");
        Instant t = Instant.parse("2026-11-24T07:00:00.123456789Z");
        assertThat(e.tsNanos()).isEqualTo(t.getEpochSecond() * 1_000_000_000L + t.getNano());
        assertThat(e.line()).isEqualTo(json);
    }

    @Test
    void nestedObjectsAreReadForTheSameNames() throws Exception {
        String json = "{\"@timestamp\":\"2026-11-24T09:00:00+02:00\",\"log\":{\"level\":\"info\"},"
                + "\"service\":{\"name\":\"svc\"},\"fabstir\":{\"node_id\":\"n2\",\"job\":{\"id\":\"j-9\"}},"
                + "\"trace\":{\"id\":\"t1\"}}";
        LogEntry e = mapper.map(doc(json, 1), NOBODY);
        assertThat(e.stream()).containsEntry("level", "info").containsEntry("service_name", "svc")
                .containsEntry("node_id", "n2");
        assertThat(e.metadata()).containsEntry("fabstir_job_id", "j-9").containsEntry("trace_id", "t1");
        assertThat(e.tsNanos()).isEqualTo(Instant.parse("2026-11-24T07:00:00Z").getEpochSecond() * 1_000_000_000L);
    }

    @Test
    void recordWithoutUsableTimestampUsesKafkaTimeAndSaysSo() throws Exception {
        long kafkaMs = NOW.minusSeconds(60).toEpochMilli();
        LogEntry e = mapper.map(doc("{\"@timestamp\":\"yesterday\",\"message\":\"x\"}", 1, kafkaMs), NOBODY);
        assertThat(e.tsNanos()).isEqualTo(kafkaMs * 1_000_000L);
        assertThat(e.metadata()).containsEntry("fabstir_timestamp_source", "ingest");
    }

    @Test
    void theEntryTimestampIsTheTransformsOneForEveryTimestampForm() throws Exception {
        // Zone-less and epoch-millisecond forms: Elasticsearch indexes the document under the transform's timestamp,
        // and Loki must get the very same instant (it once read both as "no timestamp" and used the ingest time).
        for (String ts : new String[] {"\"2026-11-24T07:30:00.250\"", "\"1795505400250\"", "1795505400250"}) {
            Normalized.Document d = doc("{\"@timestamp\":" + ts + ",\"event.id\":\"e\",\"message\":\"x\"}", 1);
            LogEntry e = mapper.map(d, NOBODY);
            assertThat(d.timestamp()).as(ts).isEqualTo(Instant.parse("2026-11-24T07:30:00.250Z"));
            assertThat(e.tsNanos()).as(ts).isEqualTo(d.timestamp().toEpochMilli() * 1_000_000L);
            assertThat(e.metadata()).as(ts).doesNotContainKey("fabstir_timestamp_source");
        }
    }

    @Test
    void lineOverTheLimitIsTruncatedWithAMarkerNotDropped() throws Exception {
        String big = "é".repeat(200_000); // 400,000 bytes of two-byte characters
        String json = new ObjectMapper().writeValueAsString(java.util.Map.of("message", big, "log.level", "INFO"));
        Normalized.Document d = doc(json, 1);
        LogEntry e = mapper.map(d, NOBODY);
        byte[] line = e.line().getBytes(StandardCharsets.UTF_8);
        assertThat(line.length).isLessThanOrEqualTo(RecordMapper.DEFAULT_MAX_LINE_BYTES);
        assertThat(line.length).isGreaterThan(RecordMapper.DEFAULT_MAX_LINE_BYTES - 100);
        assertThat(e.line()).endsWith("…[truncated by fabstir-shipper: " + d.source().length + " bytes]");
        assertThat(e.line()).doesNotContain("\uFFFD"); // cut on a character boundary
        assertThat(e.metadata()).containsEntry("fabstir_truncated_from_bytes", Integer.toString(d.source().length));
    }

    @Test
    void truncateLeavesShortLinesAlone() {
        assertThat(RecordMapper.truncate("short", 256)).isEqualTo("short");
        assertThat(RecordMapper.truncate("x".repeat(1000), 300).getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(300);
    }

    @Test
    void aDocumentThatIsNotAJsonObjectIsUnmappableWithAReason() {
        assertThatThrownBy(() -> mapper.map(raw("not json at all"), NOBODY))
                .isInstanceOf(RecordMapper.Unmappable.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> mapper.map(raw("[1,2]"), NOBODY)).hasMessageContaining("not a JSON object");
    }

    private static Normalized.Document raw(String source) {
        return new Normalized.Document("id", NOW, source.getBytes(StandardCharsets.UTF_8), List.of());
    }
}
