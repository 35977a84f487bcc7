package io.fabstir.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabstir.otel.gpu.StubNvml;
import io.fabstir.otel.health.HealthResult;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** FabstirTelemetry.install() without the agent: the same extension, loaded from the classpath by autoconfigure. */
@Tag("integration")
class LibraryModeTest {

  static final List<String> CONTRACT_METRICS =
      List.of(
          "fabstir_jobs_processed_total", "fabstir_job_processing_duration_seconds", "fabstir_active_jobs",
          "fabstir_gpu_utilization_percent", "fabstir_gpu_memory_used_bytes", "fabstir_gpu_memory_total_bytes",
          "fabstir_gpu_temperature_celsius", "fabstir_gpu_power_watts", "fabstir_gpu_count", "fabstir_errors_total",
          "fabstir_operation_duration_seconds", "fabstir_earnings_eth_total", "fabstir_staking_balance_eth",
          "fabstir_peers_connected", "fabstir_reputation_score", "fabstir_gas_price_gwei", "fabstir_disk_free_ratio",
          "fabstir_health_status");

  /** Exporters off: this test reads /metrics; the agent test covers OTLP. */
  static final Map<String, String> NO_EXPORT =
      Map.of("otel.traces.exporter", "none", "otel.metrics.exporter", "none", "otel.service.name", "library-test");

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private FabstirTelemetry telemetry;

  @AfterEach
  void tearDown() {
    if (telemetry != null) {
      telemetry.close();
    }
    for (String p : List.of("fabstir.http.enabled", "fabstir.http.port", "fabstir.http.host", "fabstir.gpu.nvml.library")) {
      System.clearProperty(p);
    }
  }

  @Test
  void metricsEndpointServesTheSeedMetricsInValidPrometheusTextAndHealthTurns503WhenACheckFails() throws Exception {
    int port = freePort();
    System.setProperty("fabstir.gpu.nvml.library", StubNvml.compile(dir).toString());
    System.setProperty("fabstir.http.enabled", "true");
    System.setProperty("fabstir.http.host", "127.0.0.1");
    System.setProperty("fabstir.http.port", Integer.toString(port));
    telemetry = FabstirTelemetry.install(NO_EXPORT);

    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> get(port, "/ready").statusCode() == 200); // GPU probe opened in the background
    AtomicBoolean chainUp = new AtomicBoolean(true);
    telemetry.health().register("chain", () -> chainUp.get() ? HealthResult.healthy() : HealthResult.unhealthy("down"));
    telemetry.node().earningsEth("ETH", () -> 0.5).stakingBalanceEth(() -> 32).peersConnected(() -> 3)
        .reputationScore(() -> 0.9).gasPriceGwei(() -> 20);
    Job ok = telemetry.jobs().onJobStarted("j-1", "m");
    ok.complete();
    telemetry.jobs().onJobStarted("j-2", "m");
    telemetry.jobs().onJobFailed("j-2", new IllegalStateException("boom"));
    telemetry.operations().run("load_model", () -> {});
    // the event API's performance records feed the same histogram once telemetry is installed
    org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger("library-test");
    io.fabstir.otel.events.FabstirEvents.perf(log).run("db.query", () -> {});
    assertThatThrownBy(() -> io.fabstir.otel.events.FabstirEvents.perf(log).run("db.query", () -> {
      throw new IllegalStateException("timeout");
    })).isInstanceOf(IllegalStateException.class);
    telemetry.errors().record(new IllegalArgumentException("bad"), "error");

    String metrics = get(port, "/metrics").body();
    assertPromtoolAccepts(metrics);
    for (String name : CONTRACT_METRICS) {
      assertThat(metrics).as(name).contains("# TYPE " + name + " ");
    }
    assertThat(metrics)
        .contains("fabstir_jobs_processed_total{model=\"m\",status=\"success\"} 1")
        .contains("fabstir_jobs_processed_total{model=\"m\",status=\"failed\"} 1")
        .contains("fabstir_job_processing_duration_seconds_bucket{model=\"m\",le=\"600\"} 2")
        .contains("fabstir_operation_duration_seconds_count{operation=\"load_model\",outcome=\"success\"} 1")
        .contains("fabstir_operation_duration_seconds_count{operation=\"db.query\",outcome=\"success\"} 1")
        .contains("fabstir_operation_duration_seconds_count{operation=\"db.query\",outcome=\"failure\"} 1")
        .contains("fabstir_errors_total{severity=\"error\",type=\"java.lang.IllegalArgumentException\"} 1")
        .contains("fabstir_gpu_count 2")
        .containsPattern("jvm_memory_used\\{jvm_memory_pool_name=\"[^\"]+\",jvm_memory_type=\"heap\"} \\d+")
        .containsPattern("jvm_memory_limit\\{jvm_memory_pool_name=\"[^\"]+\",jvm_memory_type=\"heap\"} \\d+")
        .containsPattern("fabstir_jvm_gc_collections_total\\{gc=\"[^\"]+\"} \\d+");

    assertThat(get(port, "/health").statusCode()).isEqualTo(200);
    chainUp.set(false);
    HttpResponse<String> health = get(port, "/health");
    assertThat(health.statusCode()).isEqualTo(503);
    assertThat(health.body()).contains("\"chain\":{\"status\":\"unhealthy\",\"detail\":\"down\"}").contains("\"disk\":").contains("\"gpu\":{\"status\":\"healthy\"");
    assertThat(get(port, "/ready").statusCode()).isEqualTo(503);

    telemetry.close(); // SDK shutdown stops the endpoints and the sampler with it
    telemetry = null;
    assertThatThrownBy(() -> get(port, "/health")).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void httpEndpointsAreOffUnlessAskedForInLibraryMode() throws Exception {
    int port = freePort();
    System.setProperty("fabstir.http.port", Integer.toString(port));
    System.setProperty("fabstir.gpu.nvml.library", dir.resolve("absent.so").toString());
    telemetry = FabstirTelemetry.install(NO_EXPORT);
    telemetry.jobs().onJobStarted("j-1", "m").complete();
    assertThatThrownBy(() -> get(port, "/metrics")).isInstanceOf(ConnectException.class);
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void assertPromtoolAccepts(String metrics) throws Exception {
    Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    try (OutputStream in = promtool.getOutputStream()) {
      in.write(metrics.getBytes(StandardCharsets.UTF_8));
    }
    String out = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(promtool.exitValue()).as("promtool check metrics: " + out + "\n" + metrics).isZero();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
