package io.fabstir.otel.dashboard;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The dashboard's "recent events": the last {@value #KEEP} failed jobs, slow operations and errors, taken from ended
 * spans. Spans are what crosses from the application to the agent: under the agent the application's event API
 * lives in another class loader, but every span it starts reaches this processor. A failed job is a
 * {@code job.process} span with status ERROR; a slow operation is a span marked {@code fabstir.perf.slow=true}
 * (the telemetry API starts one for each operation slower than its threshold); any other span ending in ERROR is
 * an error.
 */
public final class NotableEvents implements SpanProcessor {

  static final int KEEP = 10;
  static final String JOB_SPAN = "job.process";
  static final AttributeKey<Boolean> SLOW = AttributeKey.booleanKey("fabstir.perf.slow");
  static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("fabstir.job.id");
  static final AttributeKey<String> JOB_MODEL = AttributeKey.stringKey("fabstir.job.model");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("fabstir.perf.operation");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("event.outcome");
  private static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  private static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");

  /** Longest title or detail shown: an exception message can be a page long. */
  static final int MAX_TEXT = 300;
  /** Longest text kept until it is shown: redaction runs on this much, so a secret near the cut is still seen. */
  static final int MAX_RAW = 16 * 1024;

  /**
   * One row of the list. Texts are kept as the span had them until the dashboard first shows the row; then they
   * are redacted (the whole text, so a secret is never cut in two first) and cut to {@value #MAX_TEXT}, once.
   */
  record Event(long epochMillis, String kind, String title, String detail, String traceId, boolean clean) {
    Event(long epochMillis, String kind, String title, String detail, String traceId) {
      this(epochMillis, kind, raw(title), raw(detail), traceId, false);
    }

    Event cleaned(UnaryOperator<String> redact) {
      return clean ? this : new Event(epochMillis, kind, cut(redact.apply(title)), cut(redact.apply(detail)), traceId,
          true);
    }
  }

  private final Deque<Event> recent = new ArrayDeque<>(KEEP);
  private long total;

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public void onEnd(ReadableSpan span) {
    // ReadableSpan has no status getter: one SpanData per ended span, as an exporting span processor makes anyway.
    SpanData data = span.toSpanData();
    Boolean slow = data.getAttributes().get(SLOW);
    if (data.getStatus().getStatusCode() != StatusCode.ERROR && !Boolean.TRUE.equals(slow)) {
      return;
    }
    long millis = data.getEndEpochNanos() / 1_000_000;
    String traceId = data.getSpanContext().isValid() ? data.getTraceId() : null;
    Event event;
    if (Boolean.TRUE.equals(slow)) {
      String op = data.getAttributes().get(OPERATION);
      String outcome = data.getAttributes().get(OUTCOME);
      long ms = (data.getEndEpochNanos() - data.getStartEpochNanos()) / 1_000_000;
      event = new Event(millis, "slow", (op == null ? data.getName() : op) + " took " + ms + " ms",
          outcome == null ? "" : "outcome " + outcome, traceId);
    } else if (data.getName().equals(JOB_SPAN)) {
      Attributes a = data.getAttributes();
      event = new Event(millis, "job.failed",
          "job " + orDash(a.get(JOB_ID)) + " failed (" + orDash(a.get(JOB_MODEL)) + ")", error(data), traceId);
    } else {
      event = new Event(millis, "error", data.getName(), error(data), traceId);
    }
    add(event);
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  synchronized void add(Event event) {
    if (recent.size() == KEEP) {
      recent.removeFirst();
    }
    recent.addLast(event);
    total++;
  }

  /** Newest first, each redacted by {@code redact} (once per event) and cut. */
  synchronized List<Event> latest(UnaryOperator<String> redact) {
    List<Event> out = new ArrayList<>(recent.size());
    for (Event e : recent) {
      out.add(e.cleaned(redact));
    }
    recent.clear();
    recent.addAll(out); // cleaned once: the next snapshot reuses them
    Collections.reverse(out);
    return out;
  }

  /** Events seen since start, including those no longer kept. */
  synchronized long total() {
    return total;
  }

  /** The recorded exception ({@code type: message}), else the span's status description. */
  private static String error(SpanData data) {
    for (EventData e : data.getEvents()) {
      String type = e.getAttributes().get(EXCEPTION_TYPE);
      if (type != null) {
        String message = e.getAttributes().get(EXCEPTION_MESSAGE);
        return message == null ? type : type + ": " + message;
      }
    }
    return data.getStatus().getDescription();
  }

  private static String raw(String s) {
    return s == null || s.length() <= MAX_RAW ? s : s.substring(0, MAX_RAW);
  }

  private static String cut(String s) {
    return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
  }

  private static String orDash(String s) {
    return s == null ? "-" : s;
  }
}
