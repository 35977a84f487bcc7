package io.fabstir.otel.redaction;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.Body;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Redacts OTLP log records (off by default: {@code otel.logs.exporter=none}, logs go through files and the
 * shipper): body, attributes and resource. Switched on, the agent's Logback instrumentation sends each line's
 * message as it was logged, before any encoder masked it.
 */
public final class RedactingLogRecordExporter implements LogRecordExporter {

  private final LogRecordExporter delegate;
  private final OtelRedaction redaction;

  private RedactingLogRecordExporter(LogRecordExporter delegate, OtelRedaction redaction) {
    this.delegate = delegate;
    this.redaction = redaction;
  }

  public static LogRecordExporter wrap(LogRecordExporter exporter, Redaction rules) {
    return exporter instanceof RedactingLogRecordExporter ? exporter : new RedactingLogRecordExporter(exporter,
        new OtelRedaction(rules));
  }

  @Override
  public CompletableResultCode export(Collection<LogRecordData> logs) {
    if (!redaction.enabled()) {
      return delegate.export(logs);
    }
    List<LogRecordData> out = new ArrayList<>(logs.size());
    for (LogRecordData log : logs) {
      Value<?> body = redaction.value(null, log.getBodyValue());
      Attributes attributes = redaction.attributes(log.getAttributes());
      Resource resource = redaction.resource(log.getResource());
      out.add(body == log.getBodyValue() && attributes == log.getAttributes() && resource == log.getResource()
          ? log : new Redacted(log, body, attributes, resource));
    }
    return delegate.export(out);
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public String toString() {
    return "RedactingLogRecordExporter{" + delegate + "}";
  }

  @SuppressWarnings("deprecation") // getBody(): part of the interface the exporters still may call
  private record Redacted(LogRecordData log, Value<?> body, Attributes attributes, Resource resource)
      implements LogRecordData {
    @Override
    public Resource getResource() {
      return resource;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return log.getInstrumentationScopeInfo();
    }

    @Override
    public long getTimestampEpochNanos() {
      return log.getTimestampEpochNanos();
    }

    @Override
    public long getObservedTimestampEpochNanos() {
      return log.getObservedTimestampEpochNanos();
    }

    @Override
    public SpanContext getSpanContext() {
      return log.getSpanContext();
    }

    @Override
    public Severity getSeverity() {
      return log.getSeverity();
    }

    @Override
    public String getSeverityText() {
      return log.getSeverityText();
    }

    @Override
    public Body getBody() {
      return body == null ? Body.empty() : Body.string(body.asString());
    }

    @Override
    public Value<?> getBodyValue() {
      return body;
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public int getTotalAttributeCount() {
      return log.getTotalAttributeCount();
    }

    @Override
    public String getEventName() {
      return log.getEventName();
    }
  }
}
