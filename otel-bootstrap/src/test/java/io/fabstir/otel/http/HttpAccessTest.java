package io.fabstir.otel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.otel.health.HealthResult;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may read what on the node's port, asked with the JDK's HTTP client: the default bind, the open loopback port,
 * the credential (bearer and basic) on a port bound beyond loopback, and the start that refuses bad credentials.
 */
class HttpAccessTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TOKEN = "tok-" + "5d1f0c9a7b3e4a2f8c6d";

  @TempDir Path dir;

  @Test
  void theDefaultBindIsLoopbackOnlyAndEverythingIsOpenThere() throws Exception {
    try (NodePort node = NodePort.start(Map.of("fabstir.dashboard.enabled", "true"))) {
      assertThat(listeningAddresses(node.port)).containsExactly("127.0.0.1");
      node.telemetry.health().register("chain", () -> HealthResult.healthy("rpc ok").withDetail("block", 7L));

      assertThat(node.get("/dashboard/snapshot").statusCode()).isEqualTo(200);
      assertThat(node.get("/metrics").statusCode()).isEqualTo(200);
      assertThat(JSON.readTree(node.get("/health").body()).at("/checks/chain/details/block").asLong()).isEqualTo(7);
    }
  }

  @Test
  void beyondLoopbackTheTokenGuardsTheDashboardDetailedHealthAndMetrics() throws Exception {
    Path token = NodePort.secretFile(dir, "token", TOKEN + "\n");
    try (NodePort node = NodePort.start(Map.of("fabstir.http.host", "0.0.0.0", "fabstir.dashboard.enabled", "true",
        "fabstir.http.auth.token-file", token.toString()))) {
      node.telemetry.health().register("chain", () -> HealthResult.healthy("rpc ok").withDetail("block", 7L));
      String good = "Bearer " + TOKEN;

      for (String path : List.of("/dashboard/snapshot", "/dashboard/events", "/metrics")) {
        HttpResponse<String> none = node.get(path);
        assertThat(none.statusCode()).as(path).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).as(path).hasValue("Bearer realm=\"fabstir\"");
        assertThat(node.get(path, "Authorization", "Bearer wrong-" + TOKEN).statusCode()).as(path).isEqualTo(401);
      }
      assertThat(node.get("/dashboard/snapshot", "Authorization", good).statusCode()).isEqualTo(200);
      assertThat(node.get("/metrics", "Authorization", good).body()).contains("fabstir_health_status");

      JsonNode coarse = JSON.readTree(node.get("/health").body());
      assertThat(coarse.path("status").asText()).isEqualTo("healthy");
      assertThat(coarse.at("/checks/chain/status").asText()).isEqualTo("healthy");
      assertThat(coarse.at("/checks/chain").has("detail")).isFalse();
      assertThat(coarse.at("/checks/chain").has("details")).isFalse();
      JsonNode full = JSON.readTree(node.get("/health", "Authorization", good).body());
      assertThat(full.at("/checks/chain/detail").asText()).isEqualTo("rpc ok");

      assertThat(node.get("/ready").statusCode()).isEqualTo(200);
      assertThat(node.get("/dashboard/").statusCode()).as("the page itself is static and asks for the credential")
          .isEqualTo(200);
      assertThat(node.get("/dashboard/snapshot", AccessPolicy.PAGE_HEADER, "1").headers()
          .firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"fabstir\"");
    }
  }

  @Test
  void basicAuthIsAcceptedAndThePageGetsNoBasicPromptOfItsOwn() throws Exception {
    Path basic = NodePort.secretFile(dir, "basic", "ops:correct horse battery\n");
    try (NodePort node = NodePort.start(Map.of("fabstir.http.host", "0.0.0.0", "fabstir.dashboard.enabled", "true",
        "fabstir.http.auth.basic-file", basic.toString()))) {
      String good = "Basic " + Base64.getEncoder().encodeToString(
          "ops:correct horse battery".getBytes(StandardCharsets.UTF_8));
      String bad = "Basic " + Base64.getEncoder().encodeToString("ops:wrong".getBytes(StandardCharsets.UTF_8));

      assertThat(node.get("/dashboard/snapshot", "Authorization", good).statusCode()).isEqualTo(200);
      assertThat(node.get("/dashboard/snapshot", "Authorization", bad).statusCode()).isEqualTo(401);
      assertThat(node.get("/metrics").headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
          v -> assertThat(v).startsWith("Basic realm=\"fabstir\""));
      HttpResponse<String> fromPage = node.get("/dashboard/snapshot", AccessPolicy.PAGE_HEADER, "1");
      assertThat(fromPage.statusCode()).isEqualTo(401);
      assertThat(fromPage.headers().firstValue("WWW-Authenticate").orElse("")).doesNotContain("Basic");
      assertThat(JSON.readTree(fromPage.body()).path("schemes").asText()).isEqualTo("Basic");
    }
  }

  @Test
  void withoutACredentialBeyondLoopbackMetricsAndHealthStatusesAreOpenAndDetailsWithheld() throws Exception {
    try (NodePort node = NodePort.start(Map.of("fabstir.http.host", "0.0.0.0"))) {
      node.telemetry.health().register("chain", () -> HealthResult.degraded("rpc slow https://u:pw-1@rpc"));
      assertThat(listeningAddresses(node.port)).containsExactly("any");
      assertThat(node.get("/metrics").statusCode()).isEqualTo(200);
      HttpResponse<String> health = node.get("/health");
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(JSON.readTree(health.body()).at("/checks/chain").toString()).isEqualTo("{\"status\":\"degraded\"}");
    }
  }

  @Test
  void metricsPublicKeepsMetricsOpenNextToACredential() throws Exception {
    Path token = NodePort.secretFile(dir, "token", TOKEN);
    try (NodePort node = NodePort.start(Map.of("fabstir.http.host", "0.0.0.0", "fabstir.http.metrics.public", "true",
        "fabstir.http.auth.token-file", token.toString()))) {
      assertThat(node.get("/metrics").statusCode()).isEqualTo(200);
      assertThat(node.get("/metrics", "Authorization", "Bearer not-it-at-all-0000").statusCode())
          .as("a wrong credential is still wrong").isEqualTo(401);
    }
  }

  @Test
  void aMissingTokenFileStopsTheStartNamingTheKey() {
    assertThatThrownBy(() -> NodePort.start(Map.of("fabstir.http.auth.token-file", dir.resolve("nope").toString())))
        .hasStackTraceContaining("fabstir.http.auth.token-file").hasStackTraceContaining("no such file");
  }

  @Test
  void aTokenFileOthersCanReadIsRefused() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN);
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> NodePort.start(Map.of("fabstir.http.auth.token-file", token.toString())))
        .hasStackTraceContaining("fabstir.http.auth.token-file").hasStackTraceContaining("chmod 600");
  }

  @Test
  void aShortTokenIsRefused() throws Exception {
    Path token = NodePort.secretFile(dir, "token", "secret");
    assertThatThrownBy(() -> NodePort.start(Map.of("fabstir.http.auth.token-file", token.toString())))
        .hasStackTraceContaining("fabstir.http.auth.token-file").hasStackTraceContaining("at least 16");
  }

  @Test
  void aTokenGivenAsASystemPropertyIsRefused() {
    System.setProperty("fabstir.http.auth.token", TOKEN);
    try {
      assertThatThrownBy(() -> NodePort.start(Map.of()))
          .hasStackTraceContaining("fabstir.http.auth.token must not be a system property");
    } finally {
      System.clearProperty("fabstir.http.auth.token");
    }
  }

  @Test
  void theDashboardBeyondLoopbackWithoutACredentialStopsTheStart() {
    assertThatThrownBy(() -> NodePort.start(Map.of("fabstir.http.host", "0.0.0.0", "fabstir.dashboard.enabled", "true")))
        .hasStackTraceContaining("needs a credential: set fabstir.http.auth.token-file");
  }

  @Test
  void onlyGetAndHeadWithoutABodyAndWithBoundedHeadersAreServed() throws Exception {
    try (NodePort node = NodePort.start(Map.of())) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      var post = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + node.port + "/metrics"))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofString("x")).build();
      assertThat(http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(405);
      assertThat(node.get("/metrics", "X-Filler", "a".repeat(TelemetryEndpoints.MAX_HEADER_BYTES)).statusCode())
          .isEqualTo(431);
    }
  }

  /**
   * The local addresses the port listens on, from the kernel's socket tables: "127.0.0.1" for loopback, "any" for
   * the wildcard (Java's sockets are dual-stack, so they sit in tcp6 with IPv4 mapped in).
   */
  private static List<String> listeningAddresses(int port) throws Exception {
    String hexPort = String.format(Locale.ROOT, "%04X", port);
    List<String> out = new java.util.ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table)).subList(1, Files.readAllLines(Path.of(table)).size())) {
        String[] f = line.trim().split("\\s+");
        if (!f[1].endsWith(":" + hexPort) || !f[3].equals("0A")) {
          continue;
        }
        String hex = f[1].substring(0, f[1].indexOf(':'));
        if (hex.chars().allMatch(c -> c == '0')) {
          out.add("any");
        } else {
          String v4 = hex.substring(hex.length() - 8); // little-endian IPv4, alone or mapped into IPv6
          out.add(Integer.parseInt(v4.substring(6, 8), 16) + "." + Integer.parseInt(v4.substring(4, 6), 16) + "."
              + Integer.parseInt(v4.substring(2, 4), 16) + "." + Integer.parseInt(v4.substring(0, 2), 16));
        }
      }
    }
    return out;
  }
}
