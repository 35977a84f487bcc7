package io.fabstir.otel.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.trace.Tracer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's StatsD timers, the OpenTelemetry way: {@code fabstir_operation_duration_seconds{operation,outcome}},
 * and a WARN log line for any operation slower than the threshold ({@code fabstir.operation.slow.threshold},
 * default 1s). Keep operation names a small fixed set: they are a metric label. A slow operation also becomes a
 * span of its own (child of the current span, {@code fabstir.perf.slow=true}), so it shows in its trace and reaches
 * the agent, whose dashboard lists it.
 */
public final class OperationTimer {

  private static final Logger LOG = LoggerFactory.getLogger(OperationTimer.class);
  private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("operation");
  private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
  private static final AttributeKey<String> SPAN_OPERATION = AttributeKey.stringKey("fabstir.perf.operation");
  private static final AttributeKey<Boolean> SPAN_SLOW = AttributeKey.booleanKey("fabstir.perf.slow");
  private static final AttributeKey<String> SPAN_OUTCOME = AttributeKey.stringKey("event.outcome");

  private final DoubleHistogram duration;
  private final Tracer tracer;
  private final Duration slowThreshold;

  OperationTimer(OpenTelemetry openTelemetry, Duration slowThreshold) {
    this.slowThreshold = slowThreshold;
    this.tracer = openTelemetry.getTracer("io.fabstir.otel.operations");
    this.duration =
        openTelemetry
            .getMeter("io.fabstir.otel.operations")
            .histogramBuilder("fabstir_operation_duration_seconds")
            .setDescription("Duration of timed operations in seconds, by operation and outcome.")
            .setUnit("")
            .setExplicitBucketBoundariesAdvice(
                List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1d, 2.5, 5d, 10d, 30d, 60d))
            .build();
  }

  static Duration thresholdFromSettings() {
    return DurationSetting.read("fabstir.operation.slow.threshold", "FABSTIR_OPERATION_SLOW_THRESHOLD",
        Duration.ofSeconds(1));
  }

  /** Times {@code work}; outcome {@code failure} when it throws. */
  public <T> T call(String operation, Callable<T> work) throws Exception {
    Timing t = start(operation);
    try {
      T result = work.call();
      t.success();
      return result;
    } catch (Exception | Error e) {
      t.failure();
      throw e;
    }
  }

  public void run(String operation, Runnable work) {
    Timing t = start(operation);
    try {
      work.run();
      t.success();
    } catch (RuntimeException | Error e) {
      t.failure();
      throw e;
    }
  }

  public Timing start(String operation) {
    return new Timing(operation, System.nanoTime());
  }

  /** Records an operation timed elsewhere. */
  public void record(String operation, Duration elapsed, String outcome) {
    recordMetric(operation, elapsed, outcome);
    if (elapsed.compareTo(slowThreshold) > 0) {
      LOG.warn(
          "Slow operation {} took {} ms (threshold {} ms, outcome {})",
          operation, elapsed.toMillis(), slowThreshold.toMillis(), outcome);
      slowSpan(operation, elapsed, outcome);
    }
  }

  /** A span covering a slow operation that just ended, marked {@code fabstir.perf.slow=true}. */
  void slowSpan(String operation, Duration elapsed, String outcome) {
    Instant now = Instant.now();
    long end = TimeUnit.SECONDS.toNanos(now.getEpochSecond()) + now.getNano();
    tracer
        .spanBuilder(operation)
        .setStartTimestamp(end - elapsed.toNanos(), TimeUnit.NANOSECONDS)
        .setAttribute(SPAN_OPERATION, operation)
        .setAttribute(SPAN_SLOW, true)
        .setAttribute(SPAN_OUTCOME, outcome)
        .startSpan()
        .end(end, TimeUnit.NANOSECONDS);
  }

  /** The histogram only: for operations whose log record (and slow WARN) is written by the event API. */
  void recordMetric(String operation, Duration elapsed, String outcome) {
    duration.record(elapsed.toNanos() / 1e9, Attributes.of(OPERATION, operation, OUTCOME, outcome));
  }

  /** A running timing; stop it once. */
  public final class Timing {
    private final String operation;
    private final long startNanos;

    private Timing(String operation, long startNanos) {
      this.operation = operation;
      this.startNanos = startNanos;
    }

    public void success() {
      stop("success");
    }

    public void failure() {
      stop("failure");
    }

    public void stop(String outcome) {
      record(operation, Duration.ofNanos(System.nanoTime() - startNanos), outcome);
    }
  }
}
