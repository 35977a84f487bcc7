package io.fabstir.shipper.fault;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** FAULTS.md keeps one section per invocation of the suite; an invocation rewrites only its own. */
class FaultReportTest {
    private static final String OLD = "# Fault-injection report\n\nWritten by the `fault` test suite (`x/y`) as it "
            + "ran; not edited by hand. To reproduce it:\n\n```\nmvn verify\n```\n\nMode **soak**, suite seed 7.\n\n"
            + "| a |\n\n## How each fault is injected\n\n- **kill**: SIGKILL\n";

    @Test
    void aReportWithoutSectionsBecomesTheWholeSuitesSectionAndTheNewOneFollows() {
        String merged = FaultReport.merge(OLD, "FaultClusterTest, quick", "## `FaultClusterTest`, quick\n\nrows\n");
        assertThat(merged).startsWith("# Fault-injection report\n\n");
        assertThat(merged).containsSubsequence("<!-- fault-report section: Fault*Test, soak -->",
                "## `Fault*Test`, soak", "To reproduce it:", "Mode **soak**, suite seed 7.",
                "### How each fault is injected", "<!-- end of section -->",
                "<!-- fault-report section: FaultClusterTest, quick -->", "rows", "<!-- end of section -->");
        assertThat(merged).doesNotContain("\n## How each fault");
    }

    @Test
    void anInvocationReplacesItsOwnSectionAndKeepsTheOthersInPlace() {
        String once = FaultReport.merge(OLD, "FaultClusterTest, quick", "first\n");
        String twice = FaultReport.merge(FaultReport.merge(once, "FaultClusterTest, soak", "soak rows\n"),
                "FaultClusterTest, quick", "second\n");
        assertThat(twice).doesNotContain("first").containsSubsequence("Fault*Test, soak -->",
                "FaultClusterTest, quick -->", "second", "FaultClusterTest, soak -->", "soak rows");
        assertThat(FaultReport.merge(twice, "FaultClusterTest, quick", "second\n")).isEqualTo(twice);
    }
}
