package io.fabstir.otel.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.otel.health.HealthResult;
import io.fabstir.otel.telemetry.FabstirTelemetry;
import io.fabstir.otel.telemetry.Job;
import io.opentelemetry.context.Scope;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "node" the agent test runs under -javaagent: processes three jobs (the third fails), logs through Logback,
 * adds its own health check, then follows commands on stdin ("chain-down") until stdin closes.
 * Its classpath has only the OpenTelemetry API, Logback, otel-bootstrap and Jackson 2.15.
 */
public final class AgentTestApp {

  public static void main(String[] args) throws Exception {
    Logger log = LoggerFactory.getLogger("fabstir.test.app");
    FabstirTelemetry telemetry = FabstirTelemetry.install();
    AtomicBoolean chainUp = new AtomicBoolean(true);
    telemetry.health().register("chain", () -> chainUp.get() ? HealthResult.healthy() : HealthResult.unhealthy("rpc down"));
    telemetry.node()
        .earningsEth("ETH", () -> 1.25)
        .stakingBalanceEth(() -> 32)
        .peersConnected(() -> 7)
        .reputationScore(() -> 0.98)
        .gasPriceGwei(() -> 12.5);

    // The app's own Jackson, whatever the agent carries inside.
    System.out.println("JACKSON " + com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION
        + " " + new ObjectMapper().writeValueAsString(Map.of("ok", true)));

    awaitReady(Integer.getInteger("fabstir.http.port"));
    for (int i = 1; i <= 3; i++) {
      String id = "job-" + i;
      Job job = telemetry.jobs().onJobStarted(id, "llama-3-8b");
      try (Scope scope = job.makeCurrent()) {
        log.info("processing {}", id);
        try {
          telemetry.operations().run("inference", AgentTestApp::infer);
          if (i == 3) {
            throw new IllegalStateException("model crashed on " + id);
          }
          job.tokensUsed(100L * i).complete();
          log.info("completed {}", id);
        } catch (IllegalStateException e) {
          log.error("job {} failed", id, e);
          job.fail(e);
        }
      }
    }
    System.out.println("JOBS DONE");
    System.out.flush();

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line; (line = in.readLine()) != null; ) {
      if (line.equals("chain-down")) {
        chainUp.set(false);
        System.out.println("CHAIN DOWN");
        System.out.flush();
      }
    }
  }

  /** As an orchestrator would: jobs start once /ready says the node (GPU probe included) is up. */
  private static void awaitReady(int port) throws Exception {
    java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
    java.net.http.HttpRequest ready =
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/ready")).build();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      try {
        if (client.send(ready, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("/ready never answered 200");
  }

  private static void infer() {
    try {
      Thread.sleep(300); // long enough for a few GPU samples at the test's 100 ms interval
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
