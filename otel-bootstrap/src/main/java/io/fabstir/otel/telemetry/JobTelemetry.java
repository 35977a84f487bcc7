package io.fabstir.otel.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongUpDownCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The seed's {@code onJobStarted}/{@code onJobCompleted}: a {@code job.process} span per job (GPU readings are added
 * by the extension's span processor) and {@code fabstir_jobs_processed_total{status="success"|"failed",model}},
 * {@code fabstir_job_processing_duration_seconds{model}}, {@code fabstir_active_jobs{model}}.
 */
public final class JobTelemetry {

  public static final String SPAN_NAME = "job.process";
  /** {@code status} of a job that finished well (the monitoring guide's value; rules and panels select it). */
  public static final String STATUS_SUCCESS = "success";
  /** {@code status} of a job that failed. */
  public static final String STATUS_FAILED = "failed";
  /**
   * @deprecated the label value was renamed to {@code success}; this alias keeps callers compiling.
   */
  @Deprecated
  public static final String STATUS_COMPLETED = STATUS_SUCCESS;

  static final AttributeKey<String> JOB_ID = AttributeKey.stringKey("fabstir.job.id");
  static final AttributeKey<String> JOB_MODEL = AttributeKey.stringKey("fabstir.job.model");
  static final AttributeKey<String> JOB_STATUS = AttributeKey.stringKey("fabstir.job.status");
  static final AttributeKey<Long> TOKENS = AttributeKey.longKey("fabstir.job.tokens_used");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("event.outcome");
  private static final AttributeKey<String> STATUS = AttributeKey.stringKey("status");
  private static final AttributeKey<String> MODEL = AttributeKey.stringKey("model");

  private final Tracer tracer;
  private final LongCounter processed;
  private final DoubleHistogram duration;
  private final LongUpDownCounter active;
  private final Map<String, Job> running = new ConcurrentHashMap<>();

  JobTelemetry(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("io.fabstir.otel.jobs");
    Meter meter = openTelemetry.getMeter("io.fabstir.otel.jobs");
    this.processed =
        meter
            .counterBuilder("fabstir_jobs_processed_total")
            .setDescription("Jobs finished, by status and model.")
            .setUnit("")
            .build();
    this.duration =
        meter
            .histogramBuilder("fabstir_job_processing_duration_seconds")
            .setDescription("Job processing time in seconds, by model.")
            .setUnit("")
            .setExplicitBucketBoundariesAdvice(List.of(1d, 5d, 10d, 30d, 60d, 120d, 300d, 600d))
            .build();
    this.active =
        meter
            .upDownCounterBuilder("fabstir_active_jobs")
            .setDescription("Jobs in progress, by model.")
            .setUnit("")
            .build();
  }

  /** Starts a job: opens its span (child of the current span, if any) and counts it active. */
  public Job onJobStarted(String jobId, String model) {
    Span span =
        tracer
            .spanBuilder(SPAN_NAME)
            .setSpanKind(SpanKind.INTERNAL)
            .setAttribute(JOB_ID, jobId)
            .setAttribute(JOB_MODEL, model)
            .startSpan();
    Job job = new Job(this, jobId, model, span, System.nanoTime());
    running.put(jobId, job);
    active.add(1, Attributes.of(MODEL, model));
    return job;
  }

  /** Ends the running job {@code jobId} with {@code status}; unknown ids are ignored. */
  public void onJobCompleted(String jobId, String status) {
    Job job = running.get(jobId);
    if (job != null) {
      finish(job, status, null);
    }
  }

  /** Ends the running job {@code jobId} as failed. */
  public void onJobFailed(String jobId, Throwable error) {
    Job job = running.get(jobId);
    if (job != null) {
      finish(job, STATUS_FAILED, error);
    }
  }

  public int activeJobs() {
    return running.size();
  }

  void finish(Job job, String status, Throwable error) {
    if (!job.markEnded()) {
      return; // each job ends once
    }
    running.remove(job.id(), job);
    double seconds = (System.nanoTime() - job.startNanos()) / 1e9;
    Span span = job.span();
    boolean failed = error != null || STATUS_FAILED.equals(status);
    span.setAttribute(JOB_STATUS, status);
    span.setAttribute(OUTCOME, failed ? "failure" : "success");
    if (error != null) {
      span.recordException(error);
    }
    if (failed) {
      span.setStatus(StatusCode.ERROR, error == null ? status : String.valueOf(error.getMessage()));
    }
    span.end();
    processed.add(1, Attributes.of(STATUS, status, MODEL, job.model()));
    duration.record(seconds, Attributes.of(MODEL, job.model()));
    active.add(-1, Attributes.of(MODEL, job.model()));
  }
}
