package io.fabstir.examples.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** examples/grafana: the dashboard parses, its PromQL is accepted by promtool and names only exported metrics. */
@Tag("integration") // runs promtool/amtool as child processes
class GrafanaDashboardTest {
    private static final Path DASHBOARD = OpsTools.artefact("grafana/fabstir-node-dashboard.json");
    // What Grafana would put in place of the template variables when "All" is selected.
    private static final Map<String, String> VARIABLES = Map.of("$__rate_interval", "5m", "$__interval", "1m",
            "$__range", "1h", "$instance", ".*", "$model", ".*", "$sink", ".*");

    @TempDir
    Path tmp;

    record Query(String panel, String expr) {
    }

    @Test
    void everyPanelQueryIsValidPromqlForPromtool() throws Exception {
        List<Query> queries = promql(tree());
        assertThat(queries).hasSizeGreaterThan(20);
        StringBuilder rules = new StringBuilder("groups:\n  - name: grafana-panels\n    rules:\n");
        int i = 0;
        for (Query q : queries) {
            // JSON strings are valid YAML scalars, so the expression needs no YAML escaping of its own.
            rules.append("      - record: panel:query_").append(i++).append('\n')
                    .append("        expr: ").append(new ObjectMapper().writeValueAsString(q.expr())).append('\n');
        }
        Path file = Files.writeString(tmp.resolve("panels.rules.yml"), rules);
        OpsTools.Result r = OpsTools.run(tmp, "promtool", "check", "rules", file.toString());
        assertThat(r.exitCode()).as(r.output() + "\n" + rules).isZero();
        assertThat(r.output()).contains("SUCCESS: " + queries.size() + " rules found");
    }

    @Test
    void everyPanelSelectsSeriesTheExporterReallyEmits() throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        for (Query q : promql(tree())) {
            PromqlSelectors.parse(q.expr()).forEach(s -> used.add(s.metric()));
            PromqlSelectors.problems(q.expr(), ExportedSeries.get(), Set.of())
                    .forEach(p -> problems.add(q.panel() + ": " + p));
        }
        assertThat(problems).as("selectors checked against " + ExportedSeries.file()).isEmpty();
        assertThat(used).contains("fabstir_jobs_processed_total", "fabstir_active_jobs",
                "fabstir_gpu_utilization_percent", "fabstir_earnings_eth_total", "fabstir_shipper_records_sent_total",
                "fabstir_indexer_consumer_lag", "fabstir_indexer_records_dlq_total");
    }

    @Test
    void seedPanelsPipelinePanelsAndTheNodeLogsPanelArePresent() throws Exception {
        JsonNode root = tree();
        List<String> titles = new ArrayList<>();
        root.get("panels").forEach(p -> titles.add(p.get("title").asText()));
        assertThat(titles).contains("Job processing rate by status and model", "Active jobs by model",
                "GPU utilisation", "Earnings (ETH, cumulative)", "Error rate (failed / all jobs)", "Shipper throughput",
                "Indexer consumer lag", "Indexed, DLQ and retries", "Logs of the selected node (Loki)");

        JsonNode errorRate = panel(root, "Error rate (failed / all jobs)");
        assertThat(errorRate.at("/fieldConfig/defaults/thresholds/steps/1/value").asDouble()).isEqualTo(0.05);
        assertThat(errorRate.at("/fieldConfig/defaults/unit").asText()).isEqualTo("percentunit");

        JsonNode logs = panel(root, "Logs of the selected node (Loki)");
        assertThat(logs.get("type").asText()).isEqualTo("logs");
        assertThat(logs.at("/datasource/uid").asText()).isEqualTo("${DS_LOKI}");
        assertThat(logs.at("/targets/0/expr").asText()).contains("node_id=~\"$node_id\"");

        Set<String> variables = new TreeSet<>();
        root.at("/templating/list").forEach(v -> variables.add(v.get("name").asText()));
        assertThat(variables).contains("DS_PROMETHEUS", "DS_LOKI", "instance", "node_id");
    }

    private static JsonNode panel(JsonNode root, String title) {
        for (JsonNode p : root.get("panels")) {
            if (p.get("title").asText().equals(title)) {
                return p;
            }
        }
        throw new AssertionError("no panel " + title);
    }

    private static JsonNode tree() throws Exception {
        return new ObjectMapper().readTree(DASHBOARD.toFile());
    }

    /** Prometheus targets of every panel (rows' nested panels included), variables substituted. */
    private static List<Query> promql(JsonNode root) {
        List<Query> out = new ArrayList<>();
        collect(root.get("panels"), out);
        return out;
    }

    private static void collect(JsonNode panels, List<Query> out) {
        for (JsonNode p : panels) {
            if (p.has("panels")) {
                collect(p.get("panels"), out);
            }
            String panelDs = p.at("/datasource/type").asText("prometheus");
            for (JsonNode t : p.path("targets")) {
                String ds = t.at("/datasource/type").asText(panelDs);
                if (ds.equals("prometheus") && t.hasNonNull("expr")) {
                    String expr = t.get("expr").asText();
                    for (Map.Entry<String, String> v : VARIABLES.entrySet()) {
                        expr = expr.replace(v.getKey(), v.getValue());
                    }
                    assertThat(expr).as(p.get("title").asText()).doesNotContain("$");
                    out.add(new Query(p.get("title").asText(), expr));
                }
            }
        }
    }
}
