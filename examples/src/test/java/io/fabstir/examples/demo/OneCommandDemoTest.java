package io.fabstir.examples.demo;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, after the build: {@code java -jar log-shipper/tools/target/fabstir-shipper-tools.jar demo} from
 * the repository root, with a short duration. It runs unattended on the real local Kafka and Elasticsearch, exits
 * 0, prints non-zero counts for the three datasets that decide it, and leaves no process behind.
 */
@Tag("integration")
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class OneCommandDemoTest {

    @TempDir
    Path dir;

    @Test
    void theDemoIndexesJobAuditAndPerformanceRecordsReportsTheTimingsAndExitsZeroLeavingNothingRunning()
            throws Exception {
        Path output = dir.resolve("demo.out");
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", System.getProperty("fabstir.shipper.jar"), "demo", "--duration", "10s")
                .directory(Path.of(System.getProperty("fabstir.repo.root")).toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        // While it runs, the node's dashboard the demo prints answers with a snapshot.
        AtomicReference<String> dashboard = new AtomicReference<>();
        Thread dashboardProbe = new Thread(() -> dashboard.set(DashboardProbe.snapshotWhileRunning(output, demo)));
        dashboardProbe.start();
        try {
            assertThat(demo.waitFor(200, TimeUnit.SECONDS)).as("demo still running").isTrue();
            dashboardProbe.join(10_000);
        } finally {
            demo.destroyForcibly();
        }
        String out = Files.readString(output);

        assertThat(demo.exitValue()).as(out).isZero();
        Matcher result = Pattern.compile("RESULT: OK: fabstir\\.job (\\d+), fabstir\\.audit (\\d+), "
                + "fabstir\\.performance (\\d+)").matcher(out);
        assertThat(result.find()).as(out).isTrue();
        for (int group = 1; group <= 3; group++) {
            assertThat(Long.parseLong(result.group(group))).as(out).isPositive();
        }
        for (String dataset : List.of("fabstir.job", "fabstir.audit", "fabstir.performance")) {
            Matcher row = Pattern.compile("(?m)^    " + Pattern.quote(dataset) + " +([\\d,]+)$").matcher(out);
            assertThat(row.find()).as("index listing row for " + dataset + "\n" + out).isTrue();
            assertThat(Long.parseLong(row.group(1).replace(",", ""))).as(out).isPositive();
        }
        assertThat(out).containsPattern("time to first searchable record: \\d+\\.\\d s from the command's start")
                .containsPattern("total demo time: \\d+\\.\\d s")
                .contains("Fabstir: failed jobs:", "Fabstir: audit trail:", "Fabstir: slow operations:");

        assertThat(dashboard.get()).as("/dashboard/snapshot of the printed URL\n" + out)
                .contains("\"status\":", "\"jobs\":");
        Matcher work = Pattern.compile("work dir (\\S+)").matcher(out);
        assertThat(work.find()).isTrue();
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(work.group(1))))
                .as("processes still using " + work.group(1)).isEmpty();
        Matcher node = Pattern.compile("node: pid (\\d+)").matcher(out);
        assertThat(node.find()).isTrue();
        assertThat(ProcessHandle.of(Long.parseLong(node.group(1))).filter(ProcessHandle::isAlive)).isEmpty();
    }
}
