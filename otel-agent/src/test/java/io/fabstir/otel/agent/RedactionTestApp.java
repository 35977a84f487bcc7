package io.fabstir.otel.agent;

import io.fabstir.enrichers.redact.SecretCorpus;
import io.fabstir.otel.telemetry.FabstirTelemetry;
import io.fabstir.otel.telemetry.Job;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node of the OTLP redaction test, under -javaagent: one job fails with a connection URL holding a password and
 * a {@code token=} parameter in its exception message; then every secret of the corpus rides out in a span's
 * attributes, an event, an exception and the status description, and in a log line; the look-alikes ride as
 * attributes of one span. Ends when stdin closes.
 */
public final class RedactionTestApp {

  /** The failing job's message: a password in the URL's userinfo and a token in its query. */
  static final String PASSWORD = "hunter2-" + "Xq9vL3mZ";
  static final String TOKEN = "tk" + "8f3a9c2e7b1d4f6a";
  static final String FAILURE =
      "connect to postgresql://fabstir:" + PASSWORD + "@db.internal:5432/jobs?sslmode=require&token=" + TOKEN
          + " refused";

  public static void main(String[] args) throws Exception {
    Logger log = LoggerFactory.getLogger("fabstir.redaction.app");
    FabstirTelemetry telemetry = FabstirTelemetry.install();
    Job job = telemetry.jobs().onJobStarted("job-secret", "llama-3-8b");
    try (Scope scope = job.makeCurrent()) {
      try {
        throw new IllegalStateException(FAILURE);
      } catch (IllegalStateException e) {
        log.error("job failed", e);
        job.fail(e);
      }
    }

    Tracer tracer = GlobalOpenTelemetry.getTracer("fabstir.redaction.app");
    int n = 0;
    for (SecretCorpus.Secret s : SecretCorpus.secrets()) {
      String text = SecretCorpus.inMessage(s, n);
      Span span = tracer.spanBuilder("corpus " + s.family()).startSpan();
      span.setAttribute("fabstir.note", text);
      if (s.name() != null) {
        span.setAttribute(s.name(), s.value());
      }
      span.addEvent("channel configured", Attributes.of(AttributeKey.stringKey("detail"), text));
      span.recordException(new IllegalArgumentException(text));
      span.setStatus(StatusCode.ERROR, text);
      span.end();
      log.warn(text);
      n++;
    }
    Span lookAlikes = tracer.spanBuilder("look-alikes").startSpan();
    for (SecretCorpus.LookAlike l : SecretCorpus.lookAlikes()) {
      if (l.value() instanceof Integer i) {
        lookAlikes.setAttribute(l.name(), i.longValue());
      } else {
        lookAlikes.setAttribute(l.name(), String.valueOf(l.value()));
      }
    }
    lookAlikes.end();
    System.out.println("SPANS DONE");
    System.out.flush();
    try (InputStream in = System.in) {
      in.readAllBytes(); // until the test closes stdin; the agent flushes on the way out
    }
  }
}
