package io.fabstir.otel.redaction;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Redacts the resource that every exported metric carries (the OTLP export; {@code /metrics} has no resource).
 * Metric names and point attributes are chosen by code, not by what a job or a request carried, and are passed
 * through.
 */
public final class RedactingMetricExporter implements MetricExporter {

  private final MetricExporter delegate;
  private final OtelRedaction redaction;

  private RedactingMetricExporter(MetricExporter delegate, OtelRedaction redaction) {
    this.delegate = delegate;
    this.redaction = redaction;
  }

  public static MetricExporter wrap(MetricExporter exporter, Redaction rules) {
    return exporter instanceof RedactingMetricExporter ? exporter : new RedactingMetricExporter(exporter,
        new OtelRedaction(rules));
  }

  @Override
  public CompletableResultCode export(Collection<MetricData> metrics) {
    List<MetricData> out = new ArrayList<>(metrics.size());
    boolean changed = false;
    for (MetricData m : metrics) {
      Resource resource = redaction.resource(m.getResource());
      changed |= resource != m.getResource();
      out.add(resource == m.getResource() ? m : new WithResource(m, resource));
    }
    return delegate.export(changed ? out : metrics);
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return delegate.getAggregationTemporality(instrumentType);
  }

  @Override
  public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
    return delegate.getDefaultAggregation(instrumentType);
  }

  @Override
  public MemoryMode getMemoryMode() {
    return delegate.getMemoryMode();
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
    return "RedactingMetricExporter{" + delegate + "}";
  }

  private record WithResource(MetricData metric, Resource resource) implements MetricData {
    @Override
    public Resource getResource() {
      return resource;
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return metric.getInstrumentationScopeInfo();
    }

    @Override
    public String getName() {
      return metric.getName();
    }

    @Override
    public String getDescription() {
      return metric.getDescription();
    }

    @Override
    public String getUnit() {
      return metric.getUnit();
    }

    @Override
    public MetricDataType getType() {
      return metric.getType();
    }

    @Override
    public Data<?> getData() {
      return metric.getData();
    }
  }
}
