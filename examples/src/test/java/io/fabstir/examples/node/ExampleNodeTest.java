package io.fabstir.examples.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The packaged node jar as an operator runs it: a child JVM under -javaagent:fabstir-otel-agent.jar. */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExampleNodeTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void underTheAgentItLogsJobAuditAndPerformanceEventsEachFailedJobCorrelatedWithItsStartByTraceId()
            throws Exception {
        Process node = start(true, "--duration", "6s", "--seed", "7", "--failure-rate", "0.5");
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as(output()).isTrue();
        assertThat(node.exitValue()).as(output()).isZero();

        List<JsonNode> records = records();
        Map<String, Long> byDataset = records.stream()
                .collect(Collectors.groupingBy(r -> r.path("event.dataset").asText(), Collectors.counting()));
        assertThat(byDataset).containsKeys("fabstir.job", "fabstir.audit", "fabstir.performance", "fabstir.app");
        List<JsonNode> failed = records.stream().filter(r -> r.path("event.action").asText().equals("job.failed")).toList();
        assertThat(failed).as("with half the jobs failing, some did").isNotEmpty();
        for (JsonNode f : failed) {
            assertThat(f.path("error.type").asText()).isNotBlank();
            assertThat(f.path("error.stack_trace").asText()).contains("\tat ");
            JsonNode started = records.stream()
                    .filter(r -> r.path("event.action").asText().equals("job.started")
                            && r.path("fabstir.job.id").equals(f.path("fabstir.job.id")))
                    .findFirst().orElseThrow();
            assertThat(f.path("trace.id").asText()).matches("[0-9a-f]{32}").isEqualTo(started.path("trace.id").asText());
        }
        assertThat(records).anyMatch(r -> r.path("fabstir.perf.slow").asBoolean());
        assertThat(records).allMatch(r -> r.path("service.name").asText().equals("fabstir-example-node"));
    }

    @Test
    void itExitsWhenItsParentClosesStdin() throws Exception {
        Process node = start(true, "--exit-on-stdin-eof");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (records().stream().noneMatch(r -> r.path("event.dataset").asText().equals("fabstir.job"))) {
            assertThat(node.isAlive()).as(output()).isTrue();
            assertThat(System.nanoTime() - deadline).as("no job record within 60 s: " + output()).isNegative();
            Thread.sleep(200);
        }

        node.getOutputStream().close(); // what the kernel does when the parent dies

        assertThat(node.waitFor(20, TimeUnit.SECONDS)).as(output()).isTrue();
        assertThat(output()).contains("stdin closed: the parent process is gone, stopping", "node stopped");
    }

    @Test
    void withoutTheAgentItRefusesToStartAndSaysHowToRunIt() throws Exception {
        Process node = start(false, "--duration", "1s");

        assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(node.exitValue()).isEqualTo(2);
        assertThat(output()).contains("start it under the Fabstir agent", "-javaagent:", "mvn -B -ntp -DskipTests install");
    }

    private Process start(boolean agent, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m"));
        if (agent) {
            cmd.addAll(List.of("-javaagent:" + System.getProperty("fabstir.agent.jar"),
                    "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dfabstir.http.port=0"));
        }
        cmd.addAll(List.of("-Dfabstir.log.dir=" + dir.resolve("logs"), "-jar", System.getProperty("fabstir.node.jar")));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("node.out").toFile()).start();
    }

    private List<JsonNode> records() throws IOException {
        Path file = dir.resolve("logs").resolve("fabstir.json");
        List<JsonNode> out = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.endsWith("}")) {
                    out.add(JSON.readTree(line));
                }
            }
        }
        return out;
    }

    private String output() throws IOException {
        Path out = dir.resolve("node.out");
        return Files.exists(out) ? Files.readString(out) : "";
    }
}
