package io.fabstir.otel.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.enrichers.redact.SecretCorpus;
import io.fabstir.otel.health.HealthResult;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The secret corpus at the node's HTTP exits: every secret fails a job (the dashboard's notable events, in the
 * snapshot and the event stream) and sits in a health check's detail and details ({@code /health}). None may show,
 * in any form; the look-alikes must come out as they went in.
 */
class HttpExitsCorpusTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void noCorpusSecretReachesTheSnapshotTheStreamOrHealthAndLookAlikesSurvive() throws Exception {
    try (NodePort node = NodePort.start(Map.of("fabstir.dashboard.enabled", "true",
        "fabstir.dashboard.interval", "200ms"))) {
      List<SecretCorpus.Secret> secrets = SecretCorpus.secrets();
      Map<String, Object> details = new LinkedHashMap<>();
      StringBuilder detail = new StringBuilder();
      for (int i = 0; i < secrets.size(); i++) {
        details.put("channel-" + i, SecretCorpus.nestedMap(secrets.get(i)));
        details.put("channels-" + i, SecretCorpus.list(secrets.get(i)));
        detail.append(SecretCorpus.inMessage(secrets.get(i), i)).append("; ");
      }
      Map<String, Object> lookAlikes = new LinkedHashMap<>();
      SecretCorpus.lookAlikes().forEach(l -> lookAlikes.put(l.name(), l.value()));
      details.put("look_alikes", lookAlikes);
      node.telemetry.health().register("corpus",
          () -> new HealthResult(io.fabstir.otel.health.HealthStatus.HEALTHY, detail.toString(), details));

      StringBuilder stream = new StringBuilder();
      HttpResponse<InputStream> events = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port + "/dashboard/events")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(events.body(), StandardCharsets.UTF_8))) {
          for (String line; (line = r.readLine()) != null; ) {
            synchronized (stream) {
              stream.append(line).append('\n');
            }
          }
        } catch (Exception e) {
          // closed at the end of the test
        }
      });
      reader.setDaemon(true);
      reader.start();

      // Job failures: the secrets, then one look-alike each; ten at a time, as many as the list keeps.
      List<String> messages = new ArrayList<>();
      for (int i = 0; i < secrets.size(); i++) {
        messages.add(SecretCorpus.inMessage(secrets.get(i), i));
      }
      for (SecretCorpus.LookAlike l : SecretCorpus.lookAlikes()) {
        messages.add(l.name() + "=" + l.value());
      }
      List<String> snapshots = new ArrayList<>();
      Map<String, String> shownDetail = new LinkedHashMap<>();
      for (int from = 0; from < messages.size(); from += 10) {
        int to = Math.min(messages.size(), from + 10);
        for (int i = from; i < to; i++) {
          node.telemetry.jobs().onJobStarted("corpus-" + i, "llama");
          node.telemetry.jobs().onJobFailed("corpus-" + i, new IllegalStateException(messages.get(i)));
        }
        String lastJob = "corpus-" + (to - 1);
        String snapshot = Awaitility.await().atMost(Duration.ofSeconds(20))
            .until(() -> node.get("/dashboard/snapshot").body(), s -> s.contains("job " + lastJob + " failed"));
        snapshots.add(snapshot);
        for (JsonNode e : JSON.readTree(snapshot).path("events")) {
          shownDetail.put(e.path("title").asText(), e.path("detail").asText());
        }
      }
      String health = node.get("/health").body();
      Awaitility.await("the stream carried the last batch").atMost(Duration.ofSeconds(20)).until(() -> {
        synchronized (stream) {
          return stream.toString().contains("job corpus-" + (messages.size() - 1) + " failed");
        }
      });

      String all = String.join("\n", snapshots) + "\n" + stream + "\n" + health;
      assertThat(SecretCorpus.leaks(all)).as("corpus secrets at the HTTP exits").isEmpty();
      assertThat(SecretCorpus.damagedLookAlikes(JSON.readTree(health).at("/checks/corpus/details/look_alikes")))
          .as("look-alikes in /health").isEmpty();
      int firstLookAlike = secrets.size();
      for (int i = firstLookAlike; i < messages.size(); i++) {
        assertThat(shownDetail.get("job corpus-" + i + " failed (llama)")).as(messages.get(i))
            .isEqualTo("java.lang.IllegalStateException: " + messages.get(i));
      }
    }
  }
}
