package io.fabstir.shipper.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LabelRulesTest {

    private static LabelRules.FieldLookup record(Map<String, String> fields) {
        return fields::get;
    }

    @Test
    void defaultLabelsAreServiceLevelDatasetAndNode() {
        Map<String, String> stream = LabelRules.defaults().streamOf(record(Map.of(
                "service.name", "fabstir-node", "log.level", "WARN", "event.dataset", "fabstir.job",
                "fabstir.node_id", "node-7", "event.id", "01J0000000000000000000000")));
        assertThat(stream).containsExactly(
                Map.entry("event_dataset", "fabstir.job"), Map.entry("level", "warn"),
                Map.entry("node_id", "node-7"), Map.entry("service_name", "fabstir-node"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"event.id", "trace.id", "span.id", "fabstir.job.id", "user.id", "message", "host.id",
            "job_id=fabstir.job.id", "error.stack_trace", "@timestamp", "event.duration"})
    void refusesLabelsWhoseValuesAreUnbounded(String spec) {
        List<String> specs = new ArrayList<>(LabelRules.DEFAULT_LABELS);
        specs.add(spec);
        assertThatThrownBy(() -> LabelRules.of(specs, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unbounded")
                .hasMessageContaining("structured metadata");
    }

    @Test
    void refusesMoreLabelsThanLokiAcceptsPerStream() {
        List<String> specs = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            specs.add("l" + i + "=labels.f" + i);
        }
        assertThatThrownBy(() -> LabelRules.of(specs, 100)).hasMessageContaining("at most 15");
    }

    @Test
    void refusesInvalidOrReservedLabelNamesAndDuplicates() {
        assertThatThrownBy(() -> LabelRules.of(List.of("bad-name=service.name"), 10)).hasMessageContaining("not valid");
        assertThatThrownBy(() -> LabelRules.of(List.of("__name__=service.name"), 10)).hasMessageContaining("not valid");
        assertThatThrownBy(() -> LabelRules.of(List.of("level=log.level", "level=labels.level"), 10))
                .hasMessageContaining("twice");
    }

    @Test
    void bareFieldBecomesSanitisedLabelName() {
        LabelRules rules = LabelRules.of(List.of("deployment.environment", "labels.gpu-model"), 10);
        assertThat(rules.labels()).extracting(LabelRules.Label::name)
                .containsExactly("deployment_environment", "labels_gpu_model");
        assertThat(LabelRules.sanitiseName("9lives.x")).isEqualTo("_lives_x");
    }

    @Test
    void valuesAreStrippedOfControlCharactersAndCapped() {
        LabelRules rules = LabelRules.of(List.of("service_name=service.name"), 10);
        Map<String, String> s = rules.streamOf(record(Map.of("service.name", " api\n\tnode\u0000 ")));
        assertThat(s).containsEntry("service_name", "apinode");
        Map<String, String> longValue = rules.streamOf(record(Map.of("service.name", "x".repeat(5000))));
        assertThat(longValue.get("service_name")).hasSize(LabelRules.MAX_VALUE_CHARS);
    }

    @Test
    void absentFieldsLeaveLabelsOutAndAnEmptyStreamGetsAFallbackService() {
        LabelRules rules = LabelRules.defaults();
        assertThat(rules.streamOf(record(Map.of("log.level", "INFO")))).containsExactly(Map.entry("level", "info"));
        assertThat(rules.streamOf(record(Map.of()))).containsExactly(Map.entry("service_name", "unknown_service"));
    }

    @Test
    void aLabelThatSeesTooManyDistinctValuesFoldsTheRestIntoOther() {
        LabelRules rules = LabelRules.of(List.of("node_id=fabstir.node_id"), 3);
        for (int i = 0; i < 3; i++) {
            assertThat(rules.streamOf(record(Map.of("fabstir.node_id", "n" + i)))).containsEntry("node_id", "n" + i);
        }
        assertThat(rules.streamOf(record(Map.of("fabstir.node_id", "n99")))).containsEntry("node_id", "_other_");
        assertThat(rules.streamOf(record(Map.of("fabstir.node_id", "n1")))).containsEntry("node_id", "n1");
    }

    @Test
    void rendersLokiLabelTextSortedAndEscaped() {
        assertThat(LabelRules.render(Map.of("b", "x\"y\\z", "a", "1")))
                .isEqualTo("{a=\"1\", b=\"x\\\"y\\\\z\"}");
        assertThat(LokiReceiver.parseLabels(LabelRules.render(Map.of("b", "x\"y\\z\nw", "a", "1"))))
                .containsEntry("b", "x\"y\\z\nw");
    }
}
