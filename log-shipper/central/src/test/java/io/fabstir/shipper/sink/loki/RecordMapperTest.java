package io.fabstir.shipper.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordMapperTest {

    private final RecordMapper mapper = new RecordMapper(LabelRules.defaults(), RecordMapper.DEFAULT_METADATA,
            RecordMapper.DEFAULT_MAX_LINE_BYTES);

    static LogEntry.Source source(String json, long offset) {
        return new LogEntry.Source("fabstir.logs", 0, offset, "node-1".getBytes(StandardCharsets.UTF_8),
                json == null ? null : json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void flatRecordGivesLabelsMetadataTimestampAndTheJsonAsLine() throws Exception {
        String json = "{\"@timestamp\":\"2026-11-24T07:00:00.123456789Z\",\"log.level\":\"ERROR\","
                + "\"service.name\":\"fabstir-node\",\"event.dataset\":\"fabstir.job\",\"fabstir.node_id\":\"node-1\","
                + "\"event.id\":\"01JEV\",\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span.id\":\"00f067aa0ba902b7\","
                + "\"fabstir.job.id\":\"job-42\",\"message\":\"boom\"}";
        LogEntry e = mapper.map(source(json, 5), 0);
        assertThat(e.stream()).containsOnlyKeys("service_name", "level", "event_dataset", "node_id");
        assertThat(e.streamKey()).isEqualTo(
                "{event_dataset=\"fabstir.job\", level=\"error\", node_id=\"node-1\", service_name=\"fabstir-node\"}");
        assertThat(e.metadata()).containsEntry("event_id", "01JEV")
                .containsEntry("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736")
                .containsEntry("span_id", "00f067aa0ba902b7").containsEntry("fabstir_job_id", "job-42");
        Instant t = Instant.parse("2026-11-24T07:00:00.123456789Z");
        assertThat(e.tsNanos()).isEqualTo(t.getEpochSecond() * 1_000_000_000L + t.getNano());
        assertThat(e.line()).isEqualTo(json);
        assertThat(e.source().describe()).isEqualTo("fabstir.logs/0/5");
    }

    @Test
    void nestedObjectsAreReadForTheSameNames() throws Exception {
        String json = "{\"@timestamp\":\"2026-11-24T09:00:00+02:00\",\"log\":{\"level\":\"info\"},"
                + "\"service\":{\"name\":\"svc\"},\"fabstir\":{\"node_id\":\"n2\",\"job\":{\"id\":\"j-9\"}},"
                + "\"trace\":{\"id\":\"t1\"}}";
        LogEntry e = mapper.map(source(json, 1), 0);
        assertThat(e.stream()).containsEntry("level", "info").containsEntry("service_name", "svc")
                .containsEntry("node_id", "n2");
        assertThat(e.metadata()).containsEntry("fabstir_job_id", "j-9").containsEntry("trace_id", "t1");
        assertThat(e.tsNanos()).isEqualTo(Instant.parse("2026-11-24T07:00:00Z").getEpochSecond() * 1_000_000_000L);
    }

    @Test
    void recordWithoutUsableTimestampUsesKafkaTimeAndSaysSo() throws Exception {
        LogEntry e = mapper.map(source("{\"@timestamp\":\"yesterday\",\"message\":\"x\"}", 1), 1_700_000_000_123L);
        assertThat(e.tsNanos()).isEqualTo(1_700_000_000_123L * 1_000_000L);
        assertThat(e.metadata()).containsEntry("fabstir_timestamp_source", "ingest");
    }

    @Test
    void lineOverTheLimitIsTruncatedWithAMarkerNotDropped() throws Exception {
        String big = "é".repeat(200_000); // 400,000 bytes of two-byte characters
        String json = new ObjectMapper().writeValueAsString(java.util.Map.of("message", big, "log.level", "INFO"));
        LogEntry e = mapper.map(source(json, 1), 0);
        byte[] line = e.line().getBytes(StandardCharsets.UTF_8);
        assertThat(line.length).isLessThanOrEqualTo(RecordMapper.DEFAULT_MAX_LINE_BYTES);
        assertThat(line.length).isGreaterThan(RecordMapper.DEFAULT_MAX_LINE_BYTES - 100);
        assertThat(e.line()).endsWith("…[truncated by fabstir-shipper: " + json.getBytes(StandardCharsets.UTF_8).length
                + " bytes]");
        assertThat(e.line()).doesNotContain("\uFFFD"); // cut on a character boundary
        assertThat(e.metadata()).containsEntry("fabstir_truncated_from_bytes",
                Integer.toString(json.getBytes(StandardCharsets.UTF_8).length));
    }

    @Test
    void truncateLeavesShortLinesAlone() {
        assertThat(RecordMapper.truncate("short", 256)).isEqualTo("short");
        assertThat(RecordMapper.truncate("x".repeat(1000), 300).getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(300);
    }

    @Test
    void nonJsonOrEmptyRecordsAreUnmappableWithAReason() {
        assertThatThrownBy(() -> mapper.map(source("not json at all", 1), 0))
                .isInstanceOf(RecordMapper.Unmappable.class).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> mapper.map(source("[1,2]", 1), 0)).hasMessageContaining("not a JSON object");
        assertThatThrownBy(() -> mapper.map(source(null, 1), 0)).hasMessageContaining("no value");
    }
}
