package io.fabstir.shipper.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.shipper.normalize.Normalized;
import io.fabstir.shipper.normalize.RecordNormalizer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The identity stage: the node from the topic, claims kept and flagged, contract events from the chain only. */
class ProvenanceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final NodeTopics TOPICS = NodeTopics.of("fabstir.logs.", "fabstir.chain");
    private static final Provenance BY_TOPIC = Provenance.nodeTopics(TOPICS);
    private static final String TS = "\"@timestamp\":\"2026-01-02T03:04:05.678Z\"";

    @Test
    void aRecordOfItsOwnNodeIsStoredAsItCameUnderItsScopedId() {
        String v = "{" + TS + ",\"event.id\":\"e-1\",\"fabstir.node_id\":\"node-a\",\"message\":\"m\"}";
        Normalized.Document d = apply(BY_TOPIC, "fabstir.logs.node-a", v);
        assertThat(new String(d.source(), StandardCharsets.UTF_8)).isEqualTo(v);
        assertThat(d.id()).isEqualTo(ScopedIds.document("node-a", "e-1"));
        assertThat(d.identity().node()).isEqualTo("node-a");
        assertThat(d.identity().flags()).isEmpty();
    }

    @Test
    void aClaimOfAnotherNodeIsKeptApartAndFlagged() throws Exception {
        Normalized.Document d = apply(BY_TOPIC, "fabstir.logs.node-a",
                "{" + TS + ",\"event.id\":\"b-7\",\"fabstir.node_id\":\"node-b\",\"message\":\"m\"}");
        JsonNode doc = JSON.readTree(d.source());
        assertThat(doc.fieldNames().next()).isEqualTo("fabstir.flags");
        assertThat(doc.get("fabstir.flags").toString()).isEqualTo("[\"claimed_other_node\"]");
        assertThat(doc.get("fabstir.node_id").asText()).isEqualTo("node-a");
        assertThat(doc.get("fabstir.claimed_node_id").asText()).isEqualTo("node-b");
        assertThat(d.identity().node()).isEqualTo("node-a");
        // B's event id under A's scope: it cannot take B's document id
        assertThat(d.id()).isEqualTo(ScopedIds.document("node-a", "b-7")).isNotEqualTo(ScopedIds.document("node-b", "b-7"));
    }

    @Test
    void aNestedClaimIsFoundAndRemovedTheRestOfTheObjectKept() throws Exception {
        Normalized.Document d = apply(BY_TOPIC, "fabstir.logs.node-a", "{" + TS + ",\"event.id\":\"e-2\","
                + "\"fabstir\":{\"node_id\":\"node-b\",\"job\":{\"id\":\"j-1\"}},\"message\":\"m\"}");
        JsonNode doc = JSON.readTree(d.source());
        assertThat(doc.get("fabstir.node_id").asText()).isEqualTo("node-a");
        assertThat(doc.get("fabstir.claimed_node_id").asText()).isEqualTo("node-b");
        assertThat(doc.get("fabstir").has("node_id")).isFalse();
        assertThat(doc.at("/fabstir/job/id").asText()).isEqualTo("j-1");
    }

    @Test
    void aRecordWithoutANodeIdGetsItsTopicsNodeWithoutParsing() throws Exception {
        Normalized.Document d = apply(BY_TOPIC, "fabstir.logs.node-a", "{" + TS + ",\"event.id\":\"e-3\"}");
        assertThat(new String(d.source(), StandardCharsets.UTF_8)).startsWith("{\"fabstir.node_id\":\"node-a\",");
        assertThat(d.identity().flags()).isEmpty();
        assertThat(JSON.readTree(d.source()).get("event.id").asText()).isEqualTo("e-3");
    }

    @Test
    void aContractEventFromANodeIsStoredAsItsAppRecordAndFlagged() throws Exception {
        Normalized.Document d = apply(BY_TOPIC, "fabstir.logs.node-a", "{" + TS + ",\"event.id\":\"c-1\","
                + "\"event.dataset\":\"fabstir.contract\",\"fabstir.node_id\":\"node-a\"}");
        JsonNode doc = JSON.readTree(d.source());
        assertThat(doc.get("event.dataset").asText()).isEqualTo("fabstir.app");
        assertThat(doc.get("fabstir.claimed_dataset").asText()).isEqualTo("fabstir.contract");
        assertThat(d.identity().flags()).containsExactly(Provenance.CONTRACT_FROM_NODE);
        // the nested form is caught as well
        Normalized.Document nested = apply(BY_TOPIC, "fabstir.logs.node-a", "{" + TS + ",\"event\":{\"id\":\"c-2\","
                + "\"dataset\":\"fabstir.contract\"}}");
        assertThat(JSON.readTree(nested.source()).at("/event/dataset").isMissingNode()).isTrue();
        assertThat(nested.identity().flags()).containsExactly(Provenance.CONTRACT_FROM_NODE);
    }

    @Test
    void theChainMonitorsTopicMayCarryContractEvents() {
        String v = "{" + TS + ",\"event.id\":\"c-3\",\"event.dataset\":\"fabstir.contract\",\"fabstir.node_id\":\"chain-1\"}";
        Normalized.Document d = apply(BY_TOPIC, "fabstir.chain", v);
        assertThat(new String(d.source(), StandardCharsets.UTF_8)).isEqualTo(v);
        assertThat(d.identity().flags()).isEmpty();
        assertThat(d.identity().node()).isEqualTo("chain-1");
    }

    @Test
    void fieldsOnlyTheIndexerWritesAreMovedAsideWhenARecordBringsThem() throws Exception {
        Normalized.Document d = apply(BY_TOPIC, "fabstir.logs.node-a", "{" + TS + ",\"event.id\":\"e-4\","
                + "\"fabstir.node_id\":\"node-a\",\"fabstir.flags\":[\"reused_event_id\"],"
                + "\"fabstir\":{\"content_hash\":\"x\"}}");
        JsonNode doc = JSON.readTree(d.source());
        assertThat(doc.has("fabstir.flags")).isFalse();
        assertThat(doc.has("fabstir")).isFalse();
        assertThat(doc.get("fabstir.overflow").get("fabstir.flags").toString()).isEqualTo("[\"reused_event_id\"]");
        assertThat(doc.get("fabstir.overflow").get("fabstir.content_hash").asText()).isEqualTo("x");
        assertThat(d.identity().flags()).isEmpty();
    }

    @Test
    void withOneSharedTopicTheRecordsOwnClaimIsItsNode() {
        String v = "{" + TS + ",\"event.id\":\"e-5\",\"fabstir.node_id\":\"node-b\",\"event.dataset\":\"fabstir.contract\"}";
        Normalized.Document d = apply(Provenance.selfDeclared(), "fabstir.logs", v);
        assertThat(d.identity().node()).isEqualTo("node-b");
        assertThat(d.id()).isEqualTo(ScopedIds.document("node-b", "e-5"));
        assertThat(new String(d.source(), StandardCharsets.UTF_8)).isEqualTo(v);
    }

    @Test
    void aTopicOutsideTheNodeTopicsIsRejected() {
        byte[] v = ("{" + TS + ",\"event.id\":\"e-6\"}").getBytes(StandardCharsets.UTF_8);
        Normalized n = BY_TOPIC.apply("other", null, v, (Normalized.Document) RecordNormalizer.defaults()
                .normalize(v, "other", 0, 0));
        assertThat(n).isInstanceOfSatisfying(Normalized.Rejected.class, r -> assertThat(r.errorType())
                .isEqualTo("unknown_topic"));
    }

    @Test
    void aReSendHashesAlikeAndADifferentRecordDoesNot() {
        String a = "{" + TS + ",\"fabstir.timestamp_source\":\"ingest\",\"message\":\"x\",\"event.id\":\"d\","
                + "\"log.file.path\":\"/logs/app.json\",\"log.offset\":7}";
        String reRead = "{\"@timestamp\":\"2026-01-02T09:00:00.000Z\",\"fabstir.timestamp_source\":\"ingest\","
                + "\"message\":\"x\",\"event.id\":\"d\",\"log.file.path\":\"/logs/app.json.1\",\"log.offset\":7}";
        String other = a.replace("\"x\"", "\"y\"");
        String appTimestamp = "{\"@timestamp\":\"2026-01-02T09:00:00.000Z\",\"message\":\"x\",\"event.id\":\"d\"}";
        String appTimestamp2 = "{" + TS + ",\"message\":\"x\",\"event.id\":\"d\"}";
        assertThat(hash(a)).isEqualTo(hash(reRead)).isNotEqualTo(hash(other));
        // the application's own @timestamp is content: two of them are two records
        assertThat(hash(appTimestamp)).isNotEqualTo(hash(appTimestamp2));
    }

    @Test
    void aFlagJoinsTheListAtTheFrontOrStartsOne() {
        byte[] flagged = SourceFields.flag("{\"fabstir.flags\":[\"claimed_other_node\"],\"a\":1}"
                .getBytes(StandardCharsets.UTF_8), "reused_event_id");
        assertThat(new String(flagged, StandardCharsets.UTF_8))
                .isEqualTo("{\"fabstir.flags\":[\"reused_event_id\",\"claimed_other_node\"],\"a\":1}");
        assertThat(new String(SourceFields.flag(" {\"a\":1}".getBytes(StandardCharsets.UTF_8), "x"),
                StandardCharsets.UTF_8)).isEqualTo(" {\"fabstir.flags\":[\"x\"],\"a\":1}");
        assertThat(new String(SourceFields.lead("{ }".getBytes(StandardCharsets.UTF_8), "\"k\":1"),
                StandardCharsets.UTF_8)).isEqualTo("{\"k\":1 }");
    }

    @Test
    void nodeTopicsKeepOtherTopicsOut() {
        assertThat(TOPICS.nodeOf("fabstir.logs.node-a")).isEqualTo("node-a");
        assertThat(TOPICS.nodeOf("fabstir.logs.a.b")).isNull();
        assertThat(TOPICS.subscription().matcher("fabstir.chain").matches()).isTrue();
        assertThat(TOPICS.subscription().matcher("fabstir.dlq").matches()).isFalse();
        assertThat(List.of("fabstir.logs.dlq", "fabstir.logs.x")).allSatisfy(t -> assertThat(
                org.assertj.core.api.Assertions.catchThrowable(() -> TOPICS.checkOutside("dead-letter topic", t)))
                .hasMessageContaining("could write it"));
        TOPICS.checkOutside("dead-letter topic", "fabstir.dlq");
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> NodeTopics.of("fabstir.logs.", "fabstir.logs.chain")))
                .hasMessageContaining("node 'chain' could write it");
    }

    private static String hash(String v) {
        return ContentScan.of(v.getBytes(StandardCharsets.UTF_8), true).hash;
    }

    private static Normalized.Document apply(Provenance p, String topic, String value) {
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        Normalized n = RecordNormalizer.defaults().normalize(v, topic, 0, 0, 1_767_323_045_678L);
        return (Normalized.Document) p.apply(topic, null, v, (Normalized.Document) n);
    }
}
