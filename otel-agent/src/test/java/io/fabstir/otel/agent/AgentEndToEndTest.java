package io.fabstir.otel.agent;

import static io.fabstir.otel.agent.ChildJvm.appClasspath;
import static io.fabstir.otel.agent.ChildJvm.freePort;
import static io.fabstir.otel.agent.ChildJvm.javaBin;
import static io.fabstir.otel.agent.ChildJvm.read;
import static io.fabstir.otel.agent.ChildJvm.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fabstir-otel-agent.jar as an operator uses it: a child JVM with -javaagent, OTLP/HTTP to a receiver here, the NVML
 * stub as its GPU, and /metrics /health on a port of its own.
 */
@Tag("integration")
class AgentEndToEndTest {

  /** TEAM.md's app-side metric names, exactly. */
  static final Set<String> CONTRACT_METRICS =
      Set.of(
          "fabstir_jobs_processed_total", "fabstir_job_processing_duration_seconds", "fabstir_active_jobs",
          "fabstir_gpu_utilization_percent", "fabstir_gpu_memory_used_bytes", "fabstir_gpu_memory_total_bytes",
          "fabstir_gpu_temperature_celsius", "fabstir_gpu_power_watts", "fabstir_gpu_count", "fabstir_errors_total",
          "fabstir_operation_duration_seconds", "fabstir_earnings_eth_total", "fabstir_staking_balance_eth",
          "fabstir_peers_connected", "fabstir_reputation_score", "fabstir_gas_price_gwei", "fabstir_disk_free_ratio",
          "fabstir_health_status");

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void agentExportsJobSpansWithResourceAndGpuAttributesMetricsAndHealthWithoutDisturbingTheApp() throws Exception {
    Path nvml = compileNvmlStub();
    Path logFile = dir.resolve("logs").resolve("app.json");
    Path output = dir.resolve("app.out");
    int httpPort = freePort();
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      ProcessBuilder pb =
          new ProcessBuilder(
                  javaBin(),
                  "-Xmx256m",
                  "-javaagent:" + System.getProperty("fabstir.agent.jar"),
                  "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(),
                  "-Dotel.exporter.otlp.protocol=http/protobuf",
                  "-Dotel.bsp.schedule.delay=100",
                  "-Dotel.metric.export.interval=500",
                  "-Dotel.service.name=fabstir-agent-test",
                  "-Dfabstir.environment=test",
                  "-Dfabstir.gpu.nvml.library=" + nvml,
                  "-Dfabstir.gpu.sample.interval=100ms",
                  "-Dfabstir.http.host=127.0.0.1",
                  "-Dfabstir.http.port=" + httpPort,
                  "-Dlogback.configurationFile=" + resource("agent-test-app/logback.xml"),
                  "-Dfabstir.log.dir=" + logFile.getParent(),
                  "-Dfabstir.log.file=app",
                  "-cp", appClasspath(),
                  AgentTestApp.class.getName())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      pb.environment().put("FABSTIR_NODE_ID", "node-42"); // the environment-variable spelling
      Process app = pb.start();
      try {
        Awaitility.await("app finished its jobs").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
            .until(() -> read(output).contains("JOBS DONE") || !app.isAlive());
        assertThat(read(output)).as(read(output)).contains("JOBS DONE");
        // The app's own Jackson 2.15 is the one it gets, and it works.
        assertThat(read(output)).contains("JACKSON 2.15.4 {\"ok\":true}");

        String metrics = get(httpPort, "/metrics").body();
        assertPromtoolAccepts(metrics);
        for (String name : CONTRACT_METRICS) {
          assertThat(metrics).as(name).contains("# TYPE " + name + " ");
        }
        assertThat(metrics)
            .contains("fabstir_jobs_processed_total{model=\"llama-3-8b\",status=\"success\"} 2")
            .contains("fabstir_jobs_processed_total{model=\"llama-3-8b\",status=\"failed\"} 1")
            .contains("fabstir_active_jobs{model=\"llama-3-8b\"} 0")
            .contains("fabstir_errors_total{severity=\"error\",type=\"java.lang.IllegalStateException\"} 1")
            .contains("fabstir_gpu_count 2")
            .contains("fabstir_gpu_utilization_percent{gpu_index=\"0\"} 42")
            .contains("fabstir_gpu_utilization_percent{gpu_index=\"1\"} 17")
            .contains("fabstir_gpu_memory_used_bytes{gpu_index=\"0\"} 8589934592")
            .contains("fabstir_gpu_power_watts{gpu_index=\"1\"} 72.5")
            .contains("fabstir_earnings_eth_total{token=\"ETH\"} 1.25")
            .contains("fabstir_peers_connected 7")
            .contains("fabstir_health_status{check=\"chain\"} 1")
            .contains("fabstir_health_status{check=\"gpu\"} 1");
        for (String le : List.of("1", "5", "10", "30", "60", "120", "300", "600", "+Inf")) {
          assertThat(metrics).contains("fabstir_job_processing_duration_seconds_bucket{model=\"llama-3-8b\",le=\"" + le + "\"} 3");
        }

        assertThat(get(httpPort, "/health").statusCode()).isEqualTo(200);
        assertThat(get(httpPort, "/ready").statusCode()).isEqualTo(200);
        // The app's own check, registered through the API on the app's side, decides the agent-side /health.
        try (OutputStream stdin = app.getOutputStream()) {
          stdin.write("chain-down\n".getBytes(StandardCharsets.UTF_8));
          stdin.flush();
          Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> read(output).contains("CHAIN DOWN"));
          HttpResponse<String> health = get(httpPort, "/health");
          assertThat(health.statusCode()).isEqualTo(503);
          assertThat(health.body()).contains("\"status\":\"unhealthy\"").contains("\"chain\":{\"status\":\"unhealthy\",\"detail\":\"rpc down\"}");
          assertThat(get(httpPort, "/ready").statusCode()).isEqualTo(503);
        } // closing stdin ends the app; the agent flushes spans and metrics on the way out
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as(read(output)).isTrue();
      } finally {
        app.destroyForcibly();
      }

      List<Span> jobSpans = new ArrayList<>();
      for (ResourceSpans rs : receiver.spans) {
        Map<String, AnyValue> resource = attributes(rs.getResource().getAttributesList());
        rs.getScopeSpansList().forEach(ss -> ss.getSpansList().stream()
            .filter(s -> s.getName().equals("job.process"))
            .forEach(s -> {
              jobSpans.add(s);
              assertThat(resource.get("service.name").getStringValue()).isEqualTo("fabstir-agent-test");
              assertThat(resource.get("fabstir.node_id").getStringValue()).isEqualTo("node-42");
              assertThat(resource.get("deployment.environment").getStringValue()).isEqualTo("test");
              assertThat(resource.get("host.name").getStringValue()).isNotBlank();
            }));
      }
      assertThat(receiver.failures).isEmpty();
      // Scrapes of /metrics, /health and /ready make no server spans (no trace noise every scrape interval).
      assertThat(receiver.spans.stream().flatMap(rs -> rs.getScopeSpansList().stream())
              .flatMap(ss -> ss.getSpansList().stream()))
          .noneMatch(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER);
      assertThat(jobSpans).as("app output:%n%s", read(output)).hasSize(3);
      for (Span span : jobSpans) {
        Map<String, AnyValue> a = attributes(span.getAttributesList());
        assertThat(a.get("fabstir.job.model").getStringValue()).isEqualTo("llama-3-8b");
        assertThat(a.get("fabstir.gpu.count").getIntValue()).isEqualTo(2);
        assertThat(a.get("fabstir.gpu.name").getStringValue()).isEqualTo("Fabstir Stub GPU A100");
        assertThat(a.get("fabstir.gpu.start.utilization_percent").getDoubleValue()).isEqualTo(29.5); // mean of 42, 17
        assertThat(a.get("fabstir.gpu.peak.utilization_percent").getDoubleValue()).isEqualTo(29.5);
        assertThat(a.get("fabstir.gpu.avg.power_watts").getDoubleValue()).isEqualTo(287.5); // 215 + 72.5
        assertThat(a.get("fabstir.gpu.peak.temperature_celsius").getDoubleValue()).isEqualTo(61.0);
        assertThat(a.get("fabstir.gpu.samples").getIntValue()).isGreaterThanOrEqualTo(2);
      }
      Span failed = jobSpans.stream()
          .filter(s -> attributes(s.getAttributesList()).get("fabstir.job.id").getStringValue().equals("job-3"))
          .findFirst().orElseThrow();
      assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(failed.getEventsList()).anyMatch(e -> e.getName().equals("exception"));

      // Log lines written inside a job carry that job span's trace id.
      Map<String, String> traceIdByJob = jobSpans.stream().collect(Collectors.toMap(
          s -> attributes(s.getAttributesList()).get("fabstir.job.id").getStringValue(),
          s -> HexFormat.of().formatHex(s.getTraceId().toByteArray())));
      Pattern traceId = Pattern.compile("\"trace\\.id\":\"([0-9a-f]{32})\"");
      Pattern job = Pattern.compile("\"message\":\"(?:processing|completed|job) (job-\\d)");
      int correlated = 0;
      for (String l : Files.readAllLines(logFile)) {
        Matcher j = job.matcher(l);
        if (j.find()) {
          Matcher t = traceId.matcher(l);
          assertThat(t.find()).as(l).isTrue();
          assertThat(t.group(1)).as(l).isEqualTo(traceIdByJob.get(j.group(1)));
          correlated++;
        }
      }
      assertThat(correlated).as("log:%n%s%napp output:%n%s", read(logFile), read(output)).isEqualTo(6); // processing x3, completed x2, failed x1

      // OTLP carries the same exact names as /metrics.
      Set<String> exported = receiver.metrics.stream()
          .flatMap(rm -> rm.getScopeMetricsList().stream())
          .flatMap(sm -> sm.getMetricsList().stream())
          .map(Metric::getName)
          .filter(n -> n.startsWith("fabstir_"))
          .collect(Collectors.toSet());
      // the seed's metrics exactly, plus the host metrics (fabstir_system_*) the extension samples from /proc
      assertThat(exported.stream().filter(n -> !n.startsWith("fabstir_system_")).collect(Collectors.toSet()))
          .containsExactlyInAnyOrderElementsOf(CONTRACT_METRICS);
      assertThat(exported).contains("fabstir_system_load1", "fabstir_system_memory_used_percent");
    }
  }

  private static Map<String, AnyValue> attributes(List<KeyValue> kvs) {
    return kvs.stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue, (a, b) -> b));
  }

  private Path compileNvmlStub() throws IOException, InterruptedException {
    Path library = dir.resolve("libnvidia-ml.so");
    Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-o", library.toString(),
            System.getProperty("fabstir.test.nvml.source"))
        .redirectErrorStream(true).start();
    String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0).as(out).isTrue();
    return library;
  }

  private static void assertPromtoolAccepts(String metrics) throws IOException, InterruptedException {
    Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream in = promtool.getOutputStream()) {
      in.write(metrics.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as("promtool check metrics: " + out).isZero();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
