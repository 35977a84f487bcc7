package io.fabstir.shipper.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class RecordNormalizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-24T07:00:00Z");
    private final RecordNormalizer normalizer = RecordNormalizer.builder()
            .clock(Clock.fixed(NOW, ZoneOffset.UTC)).maxDepth(4).maxFields(20).build();

    private Normalized run(String json) {
        return normalizer.normalize(json.getBytes(StandardCharsets.UTF_8), "fabstir.logs", 2, 77);
    }

    private static JsonNode doc(Normalized n) throws Exception {
        assertThat(n).isInstanceOf(Normalized.Document.class);
        return JSON.readTree(((Normalized.Document) n).source());
    }

    @Test
    void cleanRecordPassesThroughByteForByte() {
        String json = "{\"@timestamp\":\"2026-11-24T06:59:00.123Z\",\"event.id\":\"e-1\",\"message\":\"hi\"}";
        Normalized.Document d = (Normalized.Document) run(json);
        assertThat(d.repairs()).isEmpty();
        assertThat(new String(d.source(), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(d.id()).isEqualTo("e-1");
        assertThat(d.timestamp()).isEqualTo(Instant.parse("2026-11-24T06:59:00.123Z"));
    }

    @Test
    void offsetTimestampIsReadAsItsUtcInstant() {
        Normalized.Document d = (Normalized.Document) run(
                "{\"@timestamp\":\"2026-11-24T02:00:00.000+05:30\",\"event.id\":\"e-2\"}");
        assertThat(d.timestamp()).isEqualTo(Instant.parse("2026-11-23T20:30:00Z"));
    }

    @Test
    void nestedEventIdIsAccepted() {
        Normalized.Document d = (Normalized.Document) run(
                "{\"@timestamp\":\"2026-11-24T06:00:00Z\",\"event\":{\"id\":\"nested-1\"}}");
        assertThat(d.id()).isEqualTo("nested-1");
    }

    @Test
    void nonJsonValueIsRejectedWithReason() {
        Normalized n = run("this is a plain log line");
        assertThat(n).isInstanceOf(Normalized.Rejected.class);
        assertThat(((Normalized.Rejected) n).errorType()).isEqualTo("not_json");
    }

    @Test
    void jsonThatIsNotAnObjectIsRejected() {
        assertThat(((Normalized.Rejected) run("[1,2,3]")).errorType()).isEqualTo("not_json_object");
        assertThat(((Normalized.Rejected) normalizer.normalize(new byte[0], "t", 0, 0)).errorType())
                .isEqualTo("empty_value");
    }

    @Test
    void metadataLikeNamesAreMovedUnderFabstirField() throws Exception {
        JsonNode d = doc(run("{\"@timestamp\":\"2026-11-24T06:00:00Z\",\"event.id\":\"e\",\"_id\":\"x\",\"_index\":\"y\"}"));
        assertThat(d.has("_id")).isFalse();
        assertThat(d.get("fabstir.field._id").asText()).isEqualTo("x");
        assertThat(d.get("fabstir.field._index").asText()).isEqualTo("y");
        assertThat(d.get("fabstir.normalized").toString()).contains("renamed:_id", "renamed:_index");
    }

    @Test
    void emptyAndDottedOnlyKeysAreRepaired() throws Exception {
        JsonNode d = doc(run("{\"@timestamp\":\"2026-11-24T06:00:00Z\",\"event.id\":\"e\",\"\":1,\"...\":2,"
                + "\".a..b.\":3}"));
        assertThat(d.get("fabstir.field.blank").asInt()).isEqualTo(1);
        assertThat(d.get("fabstir.field.blank_2").asInt()).isEqualTo(2);
        assertThat(d.get("a.b").asInt()).isEqualTo(3);
        assertThat(d.get("fabstir.normalized").toString()).contains("key_fixed");
    }

    @Test
    void overDeepSubtreeMovesToOverflow() throws Exception {
        JsonNode d = doc(run("{\"@timestamp\":\"2026-11-24T06:00:00Z\",\"event.id\":\"e\","
                + "\"a\":{\"b\":{\"c\":{\"d\":{\"e\":1}}}},\"ok\":{\"x\":1}}"));
        assertThat(d.at("/a/b/c").isObject()).isTrue();
        assertThat(d.at("/a/b/c/d").isMissingNode()).isTrue();
        assertThat(d.get("fabstir.overflow").get("a.b.c.d").get("e").asInt()).isEqualTo(1);
        assertThat(d.at("/ok/x").asInt()).isEqualTo(1);
        assertThat(d.get("fabstir.normalized").toString()).contains("depth_limit");
    }

    @Test
    void dottedKeysCountTowardsDepth() throws Exception {
        JsonNode d = doc(run("{\"@timestamp\":\"2026-11-24T06:00:00Z\",\"event.id\":\"e\",\"a.b.c\":{\"d\":{\"e\":1}}}"));
        assertThat(d.get("fabstir.overflow").has("a.b.c.d")).isTrue();
    }

    @Test
    void fieldsPastTheLimitMoveToOverflow() throws Exception {
        StringBuilder sb = new StringBuilder("{\"@timestamp\":\"2026-11-24T06:00:00Z\",\"event.id\":\"e\"");
        for (int i = 0; i < 40; i++) {
            sb.append(",\"labels.k").append(i).append("\":\"v\"");
        }
        JsonNode d = doc(run(sb.append('}').toString()));
        assertThat(d.get("fabstir.overflow").size()).as("@timestamp and event.id do not count").isEqualTo(20);
        assertThat(d.get("fabstir.normalized").toString()).contains("field_limit");
    }

    @Test
    void contractFieldsAfterThousandsOfOthersStayInPlaceAndKeepTheRecordsIdentity() throws Exception {
        StringBuilder sb = new StringBuilder("{\"details\":{");
        for (int i = 0; i < 3000; i++) {
            sb.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
        }
        sb.append("},\"@timestamp\":\"2026-11-24T06:00:00Z\",\"message\":\"chatty\",\"event\":{\"id\":\"ev-1\","
                + "\"dataset\":\"fabstir.job\"},\"fabstir.node_id\":\"node-7\",\"host\":{\"name\":\"gpu-1\"},"
                + "\"log.file.path\":\"/logs/a.json\",\"log.offset\":4096,\"fabstir\":{\"job\":{\"id\":\"j-1\"}},"
                + "\"trace.id\":\"0af7651916cd43dd8448eb211c80319c\",\"error.type\":\"E\"}");
        Normalized n = run(sb.toString());
        assertThat(((Normalized.Document) n).id()).isEqualTo("ev-1");
        JsonNode d = doc(n);
        assertThat(d.at("/event/id").asText()).isEqualTo("ev-1");
        assertThat(d.at("/event/dataset").asText()).isEqualTo("fabstir.job");
        assertThat(d.get("fabstir.node_id").asText()).isEqualTo("node-7");
        assertThat(d.at("/host/name").asText()).isEqualTo("gpu-1");
        assertThat(d.get("log.file.path").asText()).isEqualTo("/logs/a.json");
        assertThat(d.get("log.offset").asLong()).isEqualTo(4096);
        assertThat(d.at("/fabstir/job/id").asText()).isEqualTo("j-1");
        assertThat(d.get("trace.id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(d.get("message").asText()).isEqualTo("chatty");
        assertThat(d.get("error.type").asText()).isEqualTo("E");
        assertThat(d.get("details").size()).isEqualTo(20);
        assertThat(d.get("fabstir.overflow").size()).isEqualTo(2980);
        assertThat(d.get("fabstir.normalized").toString()).contains("field_limit").doesNotContain("event_id_derived");
    }

    @Test
    void contractFieldsHaveABoundedBudgetOfTheirOwn() throws Exception {
        StringBuilder sb = new StringBuilder("{\"@timestamp\":\"2026-11-24T06:00:00Z\",\"event.id\":\"e\"");
        for (int i = 0; i < 30; i++) {
            sb.append(",\"fabstir.job.param").append(i).append("\":1");
        }
        JsonNode d = doc(run(sb.append('}').toString()));
        assertThat(d.get("event.id").asText()).isEqualTo("e");
        assertThat(d.get("fabstir.overflow").size()).as("a map logged under fabstir.job.* is bounded too").isEqualTo(12);
    }

    @Test
    void missingTimestampBecomesIngestTimeWithMarker() throws Exception {
        Normalized n = run("{\"event.id\":\"e\",\"message\":\"m\"}");
        assertThat(((Normalized.Document) n).timestamp()).isEqualTo(NOW);
        JsonNode d = doc(n);
        assertThat(d.get("@timestamp").asText()).isEqualTo(NOW.toString());
        assertThat(d.get("fabstir.normalized").toString()).contains("timestamp:missing");
    }

    @Test
    void outOfRangeTimestampKeepsTheOriginal() throws Exception {
        JsonNode d = doc(run("{\"@timestamp\":\"1970-01-01T00:00:00Z\",\"event.id\":\"e\"}"));
        assertThat(d.get("@timestamp").asText()).isEqualTo(NOW.toString());
        assertThat(d.get("fabstir.original_timestamp").asText()).isEqualTo("1970-01-01T00:00:00Z");
        assertThat(d.get("fabstir.normalized").toString()).contains("timestamp:out_of_range");
        JsonNode future = doc(run("{\"@timestamp\":\"2030-01-01T00:00:00Z\",\"event.id\":\"e\"}"));
        assertThat(future.get("fabstir.normalized").toString()).contains("timestamp:out_of_range");
        JsonNode garbage = doc(run("{\"@timestamp\":\"yesterday\",\"event.id\":\"e\"}"));
        assertThat(garbage.get("fabstir.normalized").toString()).contains("timestamp:unparsable");
    }

    @Test
    void epochMillisTimestampDecidesTheDay() {
        long millis = NOW.minusSeconds(60).toEpochMilli();
        Normalized.Document d = (Normalized.Document) run("{\"@timestamp\":" + millis + ",\"event.id\":\"e\"}");
        assertThat(d.timestamp()).isEqualTo(NOW.minusSeconds(60));
        assertThat(d.repairs()).isEmpty();
    }

    @Test
    void missingEventIdIsDerivedFromKafkaPositionSoRedeliveryKeepsIt() {
        Normalized.Document a = (Normalized.Document) run("{\"@timestamp\":\"2026-11-24T06:00:00Z\"}");
        Normalized.Document b = (Normalized.Document) run("{\"@timestamp\":\"2026-11-24T06:00:00Z\"}");
        assertThat(a.id()).isEqualTo("kafka-fabstir.logs-2-77").isEqualTo(b.id());
        assertThat(a.repairs()).contains("event_id_derived");
    }

    @Test
    void duplicateKeysKeepTheLastValueAndAreMarked() throws Exception {
        JsonNode d = doc(run("{\"@timestamp\":\"2026-11-24T06:00:00Z\",\"event.id\":\"e\",\"a\":1,\"a\":2}"));
        assertThat(d.get("a").asInt()).isEqualTo(2);
        assertThat(d.get("fabstir.normalized").toString()).contains("duplicate_key");
    }

    @Test
    void cleanNestedRecordWithScalarArraysKeepsItsBytes() {
        String json = "{\"@timestamp\":\"2026-11-24T06:00:00Z\",\"event\":{\"id\":\"n-1\",\"dataset\":\"fabstir.job\"},"
                + "\"tags\":[\"a\",\"b\"],\"fabstir\":{\"job\":{\"tokens_used\":5}}}";
        Normalized.Document d = (Normalized.Document) run(json);
        assertThat(d.repairs()).isEmpty();
        assertThat(new String(d.source(), StandardCharsets.UTF_8)).isEqualTo(json);
        assertThat(d.id()).isEqualTo("n-1");
    }

    @Test
    void metadataNamesInsideArraysOfObjectsAreStillRepaired() throws Exception {
        JsonNode d = doc(run("{\"@timestamp\":\"2026-11-24T06:00:00Z\",\"event.id\":\"e\",\"items\":[{\"_id\":1}]}"));
        assertThat(d.at("/items/0/field_id").asInt()).isEqualTo(1);
        assertThat(d.get("fabstir.normalized").toString()).contains("renamed:_id");
    }

    @Test
    void aRecordNearTheWindowEdgeIsJudgedFromItsKafkaTimeSoARedeliveryLaterLandsOnTheSameDay() {
        // 3 s inside the 365-day window when it entered Kafka; delivered again 10 s later it would be 7 s outside.
        Instant entered = NOW;
        String json = "{\"@timestamp\":\"" + entered.minus(java.time.Duration.ofDays(365)).plusSeconds(3)
                + "\",\"event.id\":\"edge\"}";
        byte[] value = json.getBytes(StandardCharsets.UTF_8);
        RecordNormalizer later = RecordNormalizer.builder()
                .clock(Clock.fixed(NOW.plusSeconds(10), ZoneOffset.UTC)).build();
        Normalized.Document first = (Normalized.Document) RecordNormalizer.builder()
                .clock(Clock.fixed(NOW, ZoneOffset.UTC)).build()
                .normalize(value, "fabstir.logs", 0, 5, entered.toEpochMilli());
        Normalized.Document again = (Normalized.Document) later.normalize(value, "fabstir.logs", 0, 5,
                entered.toEpochMilli());
        assertThat(again.timestamp()).isEqualTo(first.timestamp())
                .isEqualTo(entered.minus(java.time.Duration.ofDays(365)).plusSeconds(3));
        assertThat(again.source()).isEqualTo(first.source());
    }

    @Test
    void aTimestampOutsideTheWindowFallsBackToTheKafkaTimeNotTheClock() throws Exception {
        Instant entered = NOW.minus(java.time.Duration.ofHours(30)); // redelivered a day and more after it entered
        Normalized n = normalizer.normalize("{\"@timestamp\":\"2999-01-01T00:00:00Z\",\"event.id\":\"e\"}"
                .getBytes(StandardCharsets.UTF_8), "fabstir.logs", 0, 9, entered.toEpochMilli());
        assertThat(((Normalized.Document) n).timestamp()).isEqualTo(entered);
        assertThat(doc(n).get("@timestamp").asText()).isEqualTo(entered.toString());
        assertThat(doc(n).get("fabstir.normalized").toString()).contains("timestamp:out_of_range");
    }

    @Test
    void aKafkaTimeOutsideTheWindowAroundTheClockIsNotTrusted() {
        Normalized n = normalizer.normalize("{\"event.id\":\"e\"}".getBytes(StandardCharsets.UTF_8),
                "fabstir.logs", 0, 9, 0L); // a producer whose clock says 1970
        assertThat(((Normalized.Document) n).timestamp()).isEqualTo(NOW);
    }
}
