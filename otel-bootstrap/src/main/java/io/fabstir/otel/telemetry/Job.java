package io.fabstir.otel.telemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import java.util.concurrent.atomic.AtomicBoolean;

/** One running job: its {@code job.process} span and the bookkeeping for the job metrics. */
public final class Job {

  private final JobTelemetry owner;
  private final String id;
  private final String model;
  private final Span span;
  private final long startNanos;
  private final AtomicBoolean ended = new AtomicBoolean();

  Job(JobTelemetry owner, String id, String model, Span span, long startNanos) {
    this.owner = owner;
    this.id = id;
    this.model = model;
    this.span = span;
    this.startNanos = startNanos;
  }

  public String id() {
    return id;
  }

  public String model() {
    return model;
  }

  public Span span() {
    return span;
  }

  /** True for the one caller that ends the job. */
  boolean markEnded() {
    return ended.compareAndSet(false, true);
  }

  long startNanos() {
    return startNanos;
  }

  /** Makes the job span current, so logs carry its trace.id and child spans nest under it. */
  public Scope makeCurrent() {
    return span.makeCurrent();
  }

  public Job tokensUsed(long tokens) {
    span.setAttribute(JobTelemetry.TOKENS, tokens);
    return this;
  }

  /** Ends the job with status {@code success}. */
  public void complete() {
    owner.finish(this, JobTelemetry.STATUS_SUCCESS, null);
  }

  /** Ends the job with an application-chosen status (keep the set of statuses small: it is a metric label). */
  public void complete(String status) {
    owner.finish(this, status, null);
  }

  /** Ends the job with status {@code failed}, recording the exception on the span. */
  public void fail(Throwable error) {
    owner.finish(this, JobTelemetry.STATUS_FAILED, error);
  }
}
