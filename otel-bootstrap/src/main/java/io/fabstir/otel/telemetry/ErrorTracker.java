package io.fabstir.otel.telemetry;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The seed's Sentry error counting, the OpenTelemetry way: {@code fabstir_errors_total{type,severity}} and the
 * exception recorded on the current span with status ERROR. {@code type} is the exception class; after
 * {@value #MAX_TYPES} distinct classes further ones count as {@code other}, so a buggy caller cannot explode the
 * metric's cardinality.
 */
public final class ErrorTracker {

  /** The severity of an error whose caller names none. */
  public static final String DEFAULT_SEVERITY = "error";

  static final int MAX_TYPES = 100;
  static final String OTHER = "other";
  private static final AttributeKey<String> TYPE = AttributeKey.stringKey("type");
  private static final AttributeKey<String> SEVERITY = AttributeKey.stringKey("severity");

  private final LongCounter errors;
  private final Set<String> seenTypes = ConcurrentHashMap.newKeySet();

  ErrorTracker(OpenTelemetry openTelemetry) {
    this.errors =
        openTelemetry
            .getMeter("io.fabstir.otel.errors")
            .counterBuilder("fabstir_errors_total")
            .setDescription("Errors logged with an exception, by exception class and severity.")
            .setUnit("")
            .build();
  }

  /** Counts {@code error} with severity {@value #DEFAULT_SEVERITY}. */
  public void record(Throwable error) {
    record(error, DEFAULT_SEVERITY);
  }

  /**
   * Counts {@code error} with the caller's {@code severity} ({@code error}, {@code critical}, …; blank means
   * {@value #DEFAULT_SEVERITY}) and marks the current span (if any) as failed with it.
   */
  public void record(Throwable error, String severity) {
    String s = severity == null || severity.isBlank() ? DEFAULT_SEVERITY : severity.strip().toLowerCase(java.util.Locale.ROOT);
    errors.add(1, Attributes.of(TYPE, boundedType(error.getClass().getName()), SEVERITY, s));
    Span span = Span.current();
    if (span.getSpanContext().isValid()) {
      span.recordException(error);
      span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
    }
  }

  String boundedType(String type) {
    if (seenTypes.contains(type)) {
      return type;
    }
    if (seenTypes.size() >= MAX_TYPES) {
      return OTHER;
    }
    seenTypes.add(type);
    return type;
  }
}
