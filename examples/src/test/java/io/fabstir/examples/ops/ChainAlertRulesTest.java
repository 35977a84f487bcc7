package io.fabstir.examples.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** examples/prometheus/fabstir-chain-alerts.yml: the chain monitor's rules, checked and unit-tested by promtool. */
@Tag("integration") // runs promtool as a child process
class ChainAlertRulesTest {
    private static final Path RULES = OpsTools.artefact("prometheus/fabstir-chain-alerts.yml");
    private static final Path RULE_TESTS = OpsTools.artefact("prometheus/fabstir-chain-alerts.test.yml");

    @Test
    void promtoolAcceptsTheChainRules() {
        OpsTools.Result r = OpsTools.run(RULES.getParent(), "promtool", "check", "rules", RULES.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS: 1 rules found");
    }

    @Test
    void nodeSlashedFiresOnASlashingAndStaysQuietOtherwise() throws Exception {
        OpsTools.Result r = OpsTools.run(RULES.getParent(), "promtool", "test", "rules", RULE_TESTS.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS");
        assertThat(Files.readString(RULES)).contains("- alert: FabstirNodeSlashed").contains("severity: high");
    }

    @Test
    void chainRulesSelectOnlySeriesTheCodeExports() throws Exception {
        java.util.List<String> problems = new java.util.ArrayList<>();
        Matcher m = Pattern.compile("expr: (.*)").matcher(Files.readString(RULES));
        while (m.find()) {
            problems.addAll(PromqlSelectors.problems(m.group(1), ExportedSeries.get(), Set.of()));
        }
        assertThat(problems).as("selectors checked against " + ExportedSeries.file()).isEmpty();
    }
}
