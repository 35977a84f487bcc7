package io.fabstir.examples.ops;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** examples/prometheus: the alert rules, checked and unit-tested by promtool itself. */
@Tag("integration") // runs promtool/amtool as child processes
class PrometheusAlertRulesTest {
    private static final Path RULES = OpsTools.artefact("prometheus/fabstir-alerts.yml");
    private static final Path RULE_TESTS = OpsTools.artefact("prometheus/fabstir-alerts.test.yml");

    @Test
    void promtoolAcceptsTheRules() {
        OpsTools.Result r = OpsTools.run(RULES.getParent(), "promtool", "check", "rules", RULES.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: " + alerts().size() + " rules found");
    }

    @Test
    void everyAlertPassesItsPromtoolUnitTests() {
        OpsTools.Result r = OpsTools.run(RULES.getParent(), "promtool", "test", "rules", RULE_TESTS.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
    }

    @Test
    void everyAlertHasAUnitTestThatFiresItAndOneThatKeepsItQuiet() throws Exception {
        String tests = Files.readString(RULE_TESTS);
        Matcher m = Pattern.compile("alertname: (\\w+)\\s+eval_time: \\w+\\s+exp_alerts:(\\s*\\[])?").matcher(tests);
        Set<String> fired = new TreeSet<>();
        Set<String> quiet = new TreeSet<>();
        while (m.find()) {
            (m.group(2) == null ? fired : quiet).add(m.group(1));
        }
        assertThat(fired).as("alerts with a firing case").containsExactlyInAnyOrderElementsOf(alerts().keySet());
        assertThat(quiet).as("alerts with a quiet case").containsExactlyInAnyOrderElementsOf(alerts().keySet());
    }

    @Test
    void everyAlertHasASeverityTheRoutesKnow() {
        assertThat(alerts().values()).allMatch(s -> List.of("critical", "high", "medium", "low").contains(s));
        assertThat(alerts()).containsEntry("FabstirNodeDown", "critical").containsEntry("FabstirNodeUnhealthy", "critical")
                .containsEntry("FabstirHighErrorRate", "high").containsEntry("FabstirNoGpuAvailable", "high")
                .containsEntry("FabstirDiskSpaceLow", "medium").containsEntry("FabstirHighGasPrice", "medium")
                .containsEntry("FabstirReputationDrop", "low");
    }

    @Test
    void everyRuleSelectsSeriesTheExporterReallyEmits() throws Exception {
        List<String> problems = new ArrayList<>();
        List<String> exprs = exprs();
        for (String expr : exprs) {
            PromqlSelectors.problems(expr, ExportedSeries.get(), Set.of())
                    .forEach(p -> problems.add(p + "\n    in: " + expr.strip()));
        }
        assertThat(exprs).hasSize(alerts().size());
        assertThat(problems).as("selectors checked against " + ExportedSeries.file()).isEmpty();
    }

    @Test
    void theSelectorCheckRejectsALabelValueTheExporterNeverEmits() {
        assertThat(PromqlSelectors.problems("rate(fabstir_jobs_processed_total{status=\"failure\"}[5m])",
                ExportedSeries.get(), Set.of())).singleElement().asString()
                .contains("selects nothing the exporter emits").contains("status=failed", "status=success");
        assertThat(PromqlSelectors.problems("fabstir_health_status{check=\"overall\"} == 0", ExportedSeries.get(),
                Set.of())).hasSize(1);
        assertThat(PromqlSelectors.problems("fabstir_no_such_metric > 1", ExportedSeries.get(), Set.of()))
                .containsExactly("fabstir_no_such_metric: no such series is exported");
    }

    /**
     * The promtool unit tests feed hand-made samples, so their series must be ones the exporter emits: same names,
     * label names and label values, except the operator's own values (instance, job, a configured disk path).
     */
    @Test
    void everyPromtoolInputSeriesIsOneTheExporterEmits() throws Exception {
        Matcher m = Pattern.compile("- series: '(.*)'").matcher(Files.readString(RULE_TESTS));
        List<String> problems = new ArrayList<>();
        int n = 0;
        while (m.find()) {
            n++;
            problems.addAll(PromqlSelectors.problems(m.group(1), ExportedSeries.get(), Set.of("path")));
        }
        assertThat(n).isGreaterThan(10);
        assertThat(problems).isEmpty();
    }

    /** Every rule's expr, block scalars joined. */
    static List<String> exprs() throws java.io.IOException {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("expr: (?:\\|\\n((?:\\s{10}.*\\n)+)|(.*))").matcher(Files.readString(RULES));
        while (m.find()) {
            out.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
        return out;
    }

    /** alert name → severity, in file order. */
    static Map<String, String> alerts() {
        try {
            Map<String, String> out = new LinkedHashMap<>();
            Matcher m = Pattern.compile("- alert: (\\w+)[\\s\\S]*?severity: (\\w+)").matcher(Files.readString(RULES));
            while (m.find()) {
                out.put(m.group(1), m.group(2));
            }
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
