package io.fabstir.templates.kibana;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KibanaSavedObjectsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> lines(String ndjson) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : ndjson.split("\n")) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    private static List<JsonNode> objects(String ndjson) throws Exception {
        return lines(ndjson).stream().filter(n -> n.has("type")).toList();
    }

    private static JsonNode byId(List<JsonNode> objects, String id) {
        return objects.stream().filter(o -> o.get("id").asText().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void traceIdFormatterOpensTheTraceInTheGivenJaeger() throws Exception {
        String ndjson = KibanaSavedObjects.builder().jaegerUrl("https://jaeger.example.org:16686/").build().render();
        JsonNode view = byId(objects(ndjson), "fabstir-logs");
        JsonNode format = JSON.readTree(view.at("/attributes/fieldFormatMap").asText()).get("trace.id");
        assertThat(format.get("id").asText()).isEqualTo("url");
        assertThat(format.at("/params/urlTemplate").asText())
                .isEqualTo("https://jaeger.example.org:16686/trace/{{value}}");
        assertThat(ndjson).doesNotContain(KibanaSavedObjects.JAEGER_PLACEHOLDER);
    }

    @Test
    void defaultJaegerIsLocalhost() throws Exception {
        JsonNode view = byId(objects(KibanaSavedObjects.builder().build().render()), "fabstir-logs");
        assertThat(view.at("/attributes/fieldFormatMap").asText()).contains("http://localhost:16686/trace/{{value}}");
    }

    @Test
    void jaegerUrlThatCouldBreakTheJsonOrIsNotHttpIsRefused() {
        assertThatThrownBy(() -> KibanaSavedObjects.builder().jaegerUrl("https://x\"}/").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KibanaSavedObjects.builder().jaegerUrl("javascript:alert(1)").build())
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KibanaSavedObjects.builder().jaegerUrl("jaeger:16686").build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exportIsInKibana8SavedObjectFormatEndingWithTheExportDetails() throws Exception {
        String ndjson = KibanaSavedObjects.builder().build().render();
        List<JsonNode> all = lines(ndjson);
        List<JsonNode> objects = objects(ndjson);
        for (JsonNode o : objects) {
            assertThat(o.fieldNames()).toIterable().as(o.get("id").asText())
                    .contains("type", "id", "attributes", "references", "coreMigrationVersion", "typeMigrationVersion");
            assertThat(o.get("coreMigrationVersion").asText()).startsWith("8.");
        }
        JsonNode details = all.get(all.size() - 1);
        assertThat(details.get("exportedCount").asInt()).isEqualTo(objects.size());
        assertThat(details.get("missingRefCount").asInt()).isZero();
        assertThat(objects).extracting(o -> o.get("type").asText())
                .containsExactly("index-pattern", "index-pattern", "search", "search", "search", "search", "search",
                        "search", "dashboard");
        JsonNode view = byId(objects, "fabstir-logs");
        assertThat(view.at("/attributes/title").asText()).isEqualTo("fabstir-logs-*");
        assertThat(view.at("/attributes/timeFieldName").asText()).isEqualTo("@timestamp");
        assertThat(byId(objects, "fabstir-logs-dlq").at("/attributes/title").asText()).isEqualTo("fabstir-logs-dlq-*");
    }

    @Test
    void everyReferenceResolvesWithinTheExport() throws Exception {
        List<JsonNode> objects = objects(KibanaSavedObjects.builder().build().render());
        Map<String, String> typeById = new HashMap<>();
        objects.forEach(o -> typeById.put(o.get("id").asText(), o.get("type").asText()));
        for (JsonNode o : objects) {
            for (JsonNode ref : o.get("references")) {
                assertThat(typeById).as(o.get("id").asText()).containsEntry(ref.get("id").asText(),
                        ref.get("type").asText());
            }
        }
        JsonNode dashboard = byId(objects, "fabstir-logs-overview");
        JsonNode panels = JSON.readTree(dashboard.at("/attributes/panelsJSON").asText());
        List<String> refNames = new ArrayList<>();
        dashboard.get("references").forEach(r -> refNames.add(r.get("name").asText()));
        for (JsonNode p : panels) {
            assertThat(refNames).contains(p.get("panelIndex").asText() + ":" + p.get("panelRefName").asText());
        }
        assertThat(panels).hasSize(KibanaSavedObjects.savedSearches().size());
    }

    @Test
    void savedSearchesRunTheKqlOfQueriesJsonOnTheirDataView() throws Exception {
        List<JsonNode> objects = objects(KibanaSavedObjects.builder().build().render());
        List<SavedSearch> searches = KibanaSavedObjects.savedSearches();
        assertThat(searches).extracting(SavedSearch::id).containsExactly("fabstir-failed-jobs", "fabstir-audit-trail",
                "fabstir-slow-operations", "fabstir-errors-by-node", "fabstir-unparsed-lines", "fabstir-dlq");
        for (SavedSearch s : searches) {
            JsonNode saved = byId(objects, s.id());
            assertThat(saved.get("type").asText()).isEqualTo("search");
            JsonNode source = JSON.readTree(saved.at("/attributes/kibanaSavedObjectMeta/searchSourceJSON").asText());
            assertThat(source.at("/query/language").asText()).isEqualTo("kuery");
            assertThat(source.at("/query/query").asText()).as(s.id()).isEqualTo(s.kql());
            assertThat(saved.at("/references/0/id").asText()).isEqualTo(s.dataViewId());
            assertThat(saved.at("/references/0/name").asText()).isEqualTo(source.get("indexRefName").asText());
            assertThat(byId(objects, s.dataViewId()).at("/attributes/title").asText()).isEqualTo(s.indexPattern());
            assertThat(JSON.readTree(s.searchBody()).has("query")).isTrue();
        }
    }
}
