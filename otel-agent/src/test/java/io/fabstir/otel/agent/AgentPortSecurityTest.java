package io.fabstir.otel.agent;

import static io.fabstir.otel.agent.ChildJvm.appClasspath;
import static io.fabstir.otel.agent.ChildJvm.freePort;
import static io.fabstir.otel.agent.ChildJvm.javaBin;
import static io.fabstir.otel.agent.ChildJvm.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged agent's port: a bad credential file stops the agent, a good one guards the port. */
@Tag("integration")
class AgentPortSecurityTest {

  private static final String TOKEN = "tok-" + "90e1d2c3b4a5f6e7d8c9";

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void aMissingCredentialFileStopsTheAgentWithTheKeysNameAndThePortNeverOpens() throws Exception {
    int port = freePort();
    Path output = dir.resolve("app.out");
    Process app = start(output, port, "-Dfabstir.http.host=0.0.0.0",
        "-Dfabstir.http.auth.token-file=" + dir.resolve("missing-token"));
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> read(output).contains("MAIN STARTED"));
      Thread.sleep(2000); // the endpoints would have bound by now
      assertThat(read(output)).contains("fabstir.http.auth.token-file").contains("missing-token");
      assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    } finally {
      app.getOutputStream().close();
      app.waitFor(30, TimeUnit.SECONDS);
      app.destroyForcibly();
    }
  }

  @Test
  void withATokenTheDashboardMetricsAndHealthDetailsNeedIt() throws Exception {
    Path token = dir.resolve("token");
    Files.writeString(token, TOKEN + "\n");
    Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));
    int port = freePort();
    Path output = dir.resolve("app.out");
    Process app = start(output, port, "-Dfabstir.http.host=0.0.0.0", "-Dfabstir.http.auth.token-file=" + token,
        "-Dfabstir.dashboard.enabled=true", "-Dfabstir.dashboard.interval=200ms");
    try {
      Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> get(port, "/ready", null).statusCode() == 200);
      for (String path : List.of("/metrics", "/dashboard/snapshot", "/dashboard/events")) {
        assertThat(get(port, path, null).statusCode()).as(path).isEqualTo(401);
      }
      assertThat(get(port, "/metrics", TOKEN).body()).contains("fabstir_health_status");
      assertThat(get(port, "/dashboard/snapshot", TOKEN).statusCode()).isEqualTo(200);
      assertThat(get(port, "/health", null).body()).doesNotContain("\"details\"");
      assertThat(get(port, "/health", TOKEN).body()).contains("\"details\"");
    } finally {
      app.getOutputStream().close();
      app.waitFor(30, TimeUnit.SECONDS);
      app.destroyForcibly();
    }
  }

  private Process start(Path output, int port, String... properties) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(javaBin(), "-Xmx256m", "-javaagent:" + ChildJvm.agentJar(),
        "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none", "-Dfabstir.gpu.enabled=false",
        "-Dfabstir.http.port=" + port));
    cmd.addAll(List.of(properties));
    cmd.addAll(List.of("-cp", appClasspath(), IdleTestApp.class.getName()));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
  }

  private HttpResponse<String> get(int port, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    if (path.endsWith("/events") && token != null) {
      return null; // a stream: not read here
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
