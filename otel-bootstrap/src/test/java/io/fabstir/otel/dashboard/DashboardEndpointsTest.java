package io.fabstir.otel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.otel.events.FabstirEvents;
import io.fabstir.otel.health.HealthResult;
import io.fabstir.otel.telemetry.FabstirTelemetry;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dashboard's HTTP side in library mode (the same extension code the agent loads): the snapshot, the event
 * stream and the off switch. The page itself is tested in a real browser by examples' DashboardBrowserTest.
 */
class DashboardEndpointsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  private FabstirTelemetry telemetry;
  private int port;

  @AfterEach
  void tearDown() {
    if (telemetry != null) {
      telemetry.close();
    }
  }

  private void install(boolean dashboard) throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Map<String, String> p = new HashMap<>();
    p.put("otel.traces.exporter", "none");
    p.put("otel.metrics.exporter", "none");
    p.put("otel.service.name", "dashboard-test");
    p.put("fabstir.service.version", "9.9.9");
    p.put("fabstir.gpu.enabled", "false");
    p.put("fabstir.http.enabled", "true");
    p.put("fabstir.http.host", "127.0.0.1");
    p.put("fabstir.http.port", Integer.toString(port));
    if (dashboard) {
      p.put("fabstir.dashboard.enabled", "true");
      p.put("fabstir.dashboard.interval", "200ms");
      p.put("fabstir.dashboard.jaeger.url", "http://127.0.0.1:16686/");
    }
    telemetry = FabstirTelemetry.install(p);
    Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> get("/ready").statusCode() == 200);
  }

  @Test
  void snapshotCountsJobsAndHealthFromTheTelemetryApiAndListsFailuresAndSlowOperationsWithTraceLinks()
      throws Exception {
    install(true);
    telemetry.node().earningsEth("ETH", () -> 0.25).stakingBalanceEth(() -> 32).reputationScore(() -> 0.9);
    telemetry.health().register("chain", () -> HealthResult.degraded("slow RPC"));
    telemetry.jobs().onJobStarted("j-ok", "llama").complete();
    telemetry.jobs().onJobStarted("j-bad", "llama");
    telemetry.jobs().onJobFailed("j-bad", new IllegalStateException("CUDA out of memory"));
    FabstirEvents.perf(org.slf4j.LoggerFactory.getLogger("dashboard-test"))
        .slowerThan(Duration.ofMillis(1))
        .run("result.upload", () -> sleep(5));

    JsonNode s = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
        () -> JSON.readTree(get("/dashboard/snapshot").body()), n -> n.path("events").size() >= 2);

    assertThat(s.path("status").asText()).isEqualTo("degraded");
    assertThat(s.path("checks").path("chain").asText()).isEqualTo("degraded");
    assertThat(s.path("jobs").path("completed").asLong()).isEqualTo(1);
    assertThat(s.path("jobs").path("failed").asLong()).isEqualTo(1);
    assertThat(s.path("jobs").path("successRate").asDouble()).isEqualTo(0.5);
    assertThat(s.path("earningsEth").path("ETH").asDouble()).isEqualTo(0.25);
    assertThat(s.path("stakingBalanceEth").asDouble()).isEqualTo(32.0);
    assertThat(s.path("reputation").asDouble()).isEqualTo(0.9);
    assertThat(s.path("node").path("version").asText()).isEqualTo("9.9.9");
    assertThat(s.path("gpu").path("present").asBoolean()).isFalse();
    assertThat(s.path("gpu").path("state").asText()).isEqualTo("no GPU");
    assertThat(s.path("jvm").path("heapUsedBytes").asLong()).isPositive();
    assertThat(s.path("disks").get(0).path("freeBytes").asLong()).isPositive();
    assertThat(s.path("history").path("t").size()).isGreaterThanOrEqualTo(1);
    JsonNode failed = find(s.path("events"), "job.failed");
    assertThat(failed.path("title").asText()).contains("j-bad", "llama");
    assertThat(failed.path("detail").asText()).contains("IllegalStateException", "CUDA out of memory");
    assertThat(failed.path("traceId").asText()).matches("[0-9a-f]{32}");
    assertThat(failed.path("traceUrl").asText())
        .isEqualTo("http://127.0.0.1:16686/trace/" + failed.path("traceId").asText());
    assertThat(find(s.path("events"), "slow").path("title").asText()).startsWith("result.upload took");
  }

  @Test
  void eventStreamPushesANewSnapshotEveryInterval() throws Exception {
    install(true);
    HttpResponse<InputStream> response = http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/dashboard/events")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
        v -> assertThat(v).startsWith("text/event-stream"));
    List<Long> seqs = new ArrayList<>();
    try (BufferedReader in = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      for (String line; seqs.size() < 3 && (line = in.readLine()) != null; ) {
        if (line.startsWith("data: ")) {
          seqs.add(JSON.readTree(line.substring(6)).path("seq").asLong());
        }
      }
    }
    assertThat(seqs).hasSize(3).isSorted().doesNotHaveDuplicates();
    // the scrapes still answer while a page holds its stream open
    assertThat(get("/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void pageAndChartLibraryAreServedFromTheJar() throws Exception {
    install(true);
    assertThat(get("/dashboard/").body()).contains("assets/uPlot.iife.min.js", "assets/dashboard.js");
    assertThat(get("/dashboard/assets/uPlot.iife.min.js").body()).contains("uPlot");
    assertThat(get("/dashboard/assets/dashboard.js").statusCode()).isEqualTo(200);
    assertThat(get("/dashboard/assets/../../etc/passwd").statusCode()).isEqualTo(404);
  }

  @Test
  void offByDefaultNoPageAndNoSamplerThread() throws Exception {
    install(false);
    assertThat(get("/dashboard/snapshot").statusCode()).isEqualTo(404);
    assertThat(Thread.getAllStackTraces().keySet())
        .noneMatch(t -> t.getName().startsWith("fabstir-dashboard"));
  }

  private static JsonNode find(JsonNode events, String kind) {
    for (JsonNode e : events) {
      if (e.path("kind").asText().equals(kind)) {
        return e;
      }
    }
    throw new AssertionError("no " + kind + " event in " + events);
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
