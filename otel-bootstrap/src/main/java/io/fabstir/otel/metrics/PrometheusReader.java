package io.fabstir.otel.metrics;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.util.Collection;

/**
 * A pull {@link MetricReader}: every {@link #collect()} runs the SDK's collection (and so every observable callback,
 * health checks included). {@link #scrape()} renders Prometheus text with the instrument names exactly as given,
 * unlike the OpenTelemetry Prometheus exporter, which appends unit suffixes and adds scope labels.
 */
public final class PrometheusReader implements MetricReader {

  private volatile CollectionRegistration registration = CollectionRegistration.noop();
  private volatile Runnable onShutdown = () -> {};

  /** Runs {@code action} when the SDK shuts this reader down (the extension stops its HTTP server and sampler). */
  public void onShutdown(Runnable action) {
    this.onShutdown = action;
  }

  @Override
  public void register(CollectionRegistration registration) {
    this.registration = registration;
  }

  /** Collects now. */
  public Collection<MetricData> collect() {
    return registration.collectAllMetrics();
  }

  /** Collects now and renders the Prometheus text exposition format 0.0.4. */
  public String scrape() {
    return PrometheusText.write(collect());
  }

  @Override
  public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
    return AggregationTemporality.CUMULATIVE;
  }

  @Override
  public CompletableResultCode forceFlush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    registration = CollectionRegistration.noop();
    onShutdown.run();
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public String toString() {
    return "FabstirPrometheusReader";
  }
}
