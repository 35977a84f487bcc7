package io.fabstir.otel.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The "Recent alerts" panel's data: the node's firing alerts and those resolved lately, read from Alertmanager's v2
 * API ({@code GET /api/v2/alerts} with the configured matchers as {@code filter}s). That API lists only alerts
 * that have not ended, so "resolved" is what this poller saw firing and then saw gone (or ended): each is kept
 * for {@link #RESOLVED_KEPT} after it was noticed, at most {@value #RESOLVED_MAX}. One request at a time, on the
 * HTTP client's thread; a snapshot reads the last answer.
 */
final class AlertmanagerAlerts {

  static final Duration RESOLVED_KEPT = Duration.ofHours(1);
  static final int RESOLVED_MAX = 10;
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One alert as the panel shows it. */
  record Alert(String fingerprint, String name, String severity, String instance, String summary, String state,
      Instant startsAt, Instant endedAt) {}

  /** The panel's state after the last answer (or failure). */
  record State(Instant checkedAt, String error, List<Alert> firing, List<Alert> resolved) {}

  private final String url;
  private final String filter;
  private final HttpClient client;
  private final URI request;
  private final AtomicBoolean inFlight = new AtomicBoolean();
  private final Deque<Alert> resolved = new ArrayDeque<>();
  private Map<String, Alert> firing = Map.of();
  private volatile State state = new State(null, null, List.of(), List.of());

  AlertmanagerAlerts(String url, List<String> matchers) {
    this.url = url;
    this.filter = String.join(",", matchers);
    StringBuilder q = new StringBuilder(url).append("/api/v2/alerts?active=true&silenced=true&inhibited=true");
    for (String m : matchers) {
      q.append("&filter=").append(URLEncoder.encode(m, StandardCharsets.UTF_8));
    }
    this.request = URI.create(q.toString());
    this.client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  String url() {
    return url;
  }

  String filter() {
    return filter;
  }

  State state() {
    return state;
  }

  /** Asks Alertmanager again, unless the previous question is still open. */
  void poll() {
    if (!inFlight.compareAndSet(false, true)) {
      return;
    }
    HttpRequest get = HttpRequest.newBuilder(request).timeout(TIMEOUT).header("Accept", "application/json").build();
    client.sendAsync(get, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .whenComplete((response, error) -> {
          try {
            Instant now = Instant.now();
            if (error != null) {
              failed(now, "Alertmanager did not answer: " + error.getClass().getSimpleName()
                  + (error.getMessage() == null ? "" : " " + error.getMessage()));
            } else if (response.statusCode() != 200) {
              failed(now, "Alertmanager answered " + response.statusCode());
            } else {
              answered(now, JSON.readTree(response.body()));
            }
          } catch (Exception e) {
            failed(Instant.now(), "Alertmanager's answer is not a list of alerts: " + e.getMessage());
          } finally {
            inFlight.set(false);
          }
        });
  }

  private synchronized void failed(Instant now, String error) {
    State s = state;
    state = new State(now, error, s.firing(), s.resolved());
  }

  private synchronized void answered(Instant now, JsonNode alerts) {
    if (!alerts.isArray()) {
      throw new IllegalArgumentException("expected a JSON array");
    }
    Map<String, Alert> current = new LinkedHashMap<>();
    for (JsonNode a : alerts) {
      Instant ends = instant(a.path("endsAt").asText(null));
      Alert alert = alert(a, ends);
      if (ends != null && !ends.isAfter(now)) {
        resolve(alert, ends);
      } else {
        current.put(alert.fingerprint(), alert);
      }
    }
    for (Alert before : firing.values()) {
      if (!current.containsKey(before.fingerprint())) {
        resolve(before, now);
      }
    }
    firing = current;
    while (!resolved.isEmpty() && resolved.peekLast().endedAt().isBefore(now.minus(RESOLVED_KEPT))) {
      resolved.removeLast();
    }
    List<Alert> shown = new ArrayList<>(current.values());
    shown.sort((x, y) -> y.startsAt() == null || x.startsAt() == null ? 0 : y.startsAt().compareTo(x.startsAt()));
    state = new State(now, null, List.copyOf(shown), List.copyOf(resolved));
  }

  /** Newest first; a fingerprint seen again replaces its older entry. */
  private void resolve(Alert alert, Instant at) {
    resolved.removeIf(r -> r.fingerprint().equals(alert.fingerprint()));
    resolved.addFirst(new Alert(alert.fingerprint(), alert.name(), alert.severity(), alert.instance(), alert.summary(),
        "resolved", alert.startsAt(), at));
    while (resolved.size() > RESOLVED_MAX) {
      resolved.removeLast();
    }
  }

  private static Alert alert(JsonNode a, Instant ends) {
    JsonNode labels = a.path("labels");
    JsonNode annotations = a.path("annotations");
    String summary = annotations.path("summary").asText(annotations.path("description").asText(""));
    String state = a.path("status").path("state").asText("active");
    String fingerprint = a.path("fingerprint").asText(labels.toString());
    return new Alert(fingerprint, labels.path("alertname").asText("?"), labels.path("severity").asText(null),
        labels.path("instance").asText(null), summary, state.equals("suppressed") ? "silenced" : "firing",
        instant(a.path("startsAt").asText(null)), ends);
  }

  private static Instant instant(String s) {
    try {
      return s == null || s.isEmpty() ? null : Instant.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
