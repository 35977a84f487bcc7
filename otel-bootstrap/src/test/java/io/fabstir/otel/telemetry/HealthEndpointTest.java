package io.fabstir.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.otel.gpu.StubNvml;
import io.fabstir.otel.health.HealthResult;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The /health body and its status codes, served by the extension in library mode over the NVML stub. */
@Tag("integration")
class HealthEndpointTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> PROPERTIES = List.of("fabstir.http.enabled", "fabstir.http.port",
      "fabstir.http.host", "fabstir.gpu.nvml.library", "fabstir.health.degraded-ok", "fabstir.health.disk.paths");

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private FabstirTelemetry telemetry;
  private int port;

  @AfterEach
  void tearDown() {
    if (telemetry != null) {
      telemetry.close();
    }
    PROPERTIES.forEach(System::clearProperty);
  }

  @Test
  void theBodyCarriesTheOverallStatusATimestampAndEachChecksStatusAndDetails() throws Exception {
    // GPU 1 has no power sensor (NVML_ERROR_NOT_SUPPORTED): reported missing, the check stays healthy.
    install(StubNvml.compile(dir, "STUB_POWER_RC_1=3"), false);
    telemetry.health().register("chain", () -> HealthResult.healthy("rpc ok").withDetail("block_number", 19_000_042L));

    HttpResponse<String> r = get("/health");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    java.nio.file.Files.writeString(Path.of("target", "health-example.json"), r.body()); // for the README
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("status").asText()).isEqualTo("healthy");
    assertThat(Instant.parse(body.path("timestamp").asText())).isBetween(Instant.now().minusSeconds(60), Instant.now());
    JsonNode checks = body.path("checks");
    assertThat(checks.at("/chain/status").asText()).isEqualTo("healthy");
    assertThat(checks.at("/chain/details/block_number").asLong()).isEqualTo(19_000_042L);
    assertThat(checks.at("/gpu/status").asText()).isEqualTo("healthy");
    assertThat(checks.at("/gpu/details/gpus/0/name").asText()).isEqualTo("Fabstir Stub GPU A100");
    assertThat(checks.at("/gpu/details/gpus/1/missing/0").asText()).isEqualTo("power: not supported");
    assertThat(checks.at("/gpu/details/gpus/1/power_watts").isNull()).isTrue();
    assertThat(checks.at("/gpu/details/gpus/1/temperature_celsius").asDouble()).isEqualTo(55.0);
    JsonNode disk = checks.at("/disk/details/paths/0");
    assertThat(disk.path("free_percent").asDouble()).isBetween(0.0, 100.0);
    assertThat(disk.path("free_gb").isNumber()).isTrue();
    assertThat(disk.path("total_gb").asDouble()).isPositive();
    assertThat(get("/metrics").body()).as("a missing reading is left out, not exported as 0")
        .contains("fabstir_gpu_power_watts{gpu_index=\"0\"} 215").doesNotContain("fabstir_gpu_power_watts{gpu_index=\"1\"}");
  }

  @Test
  void aGpuQueryFailingWithAnNvmlErrorDegradesAndDegradedAnswers503() throws Exception {
    install(StubNvml.compile(dir, "STUB_TEMPERATURE_RC_0=999"), false);

    HttpResponse<String> r = get("/health");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.path("status").asText()).isEqualTo("degraded");
    assertThat(body.at("/checks/gpu/detail").asText()).contains("GPU 0 temperature: NVML error 999");
  }

  @Test
  void degradedAnswers200WhenDegradedIsOk() throws Exception {
    install(StubNvml.compile(dir), true);
    telemetry.health().register("models", () -> HealthResult.degraded("1 of 2 models loaded"));

    HttpResponse<String> r = get("/health");

    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo("degraded");
    telemetry.health().register("models", () -> HealthResult.unhealthy("no model loaded"));
    assertThat(get("/health").statusCode()).as("unhealthy is 503 whatever the setting").isEqualTo(503);
  }

  private void install(Path nvml, boolean degradedOk) throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    System.setProperty("fabstir.gpu.nvml.library", nvml.toString());
    System.setProperty("fabstir.http.enabled", "true");
    System.setProperty("fabstir.http.host", "127.0.0.1");
    System.setProperty("fabstir.http.port", Integer.toString(port));
    System.setProperty("fabstir.health.degraded-ok", Boolean.toString(degradedOk));
    telemetry = FabstirTelemetry.install(LibraryModeTest.NO_EXPORT);
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
        .until(() -> get("/metrics").body().contains("fabstir_gpu_utilization_percent"));
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
