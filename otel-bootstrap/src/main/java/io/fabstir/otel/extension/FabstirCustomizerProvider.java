package io.fabstir.otel.extension;

import io.fabstir.otel.metrics.PrometheusReader;
import io.fabstir.otel.redaction.CommandLine;
import io.fabstir.otel.redaction.RedactingLogRecordExporter;
import io.fabstir.otel.redaction.RedactingMetricExporter;
import io.fabstir.otel.redaction.RedactingSpanExporter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.AutoConfigureListener;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.SdkMeterProviderBuilder;
import io.opentelemetry.sdk.metrics.View;
import java.util.List;
import java.util.Map;

/**
 * The Fabstir extension, as one autoconfigure SPI provider that both the official agent (from {@code extensions/}
 * in fabstir-otel-agent.jar) and {@code FabstirTelemetry.install()} load: exporters' defaults, the seed's histogram
 * buckets, the GPU span processor, the Prometheus reader, and — once the SDK exists — GPU gauges, built-in health
 * checks and the HTTP endpoints; and the redaction of every span, metric and log record it exports.
 */
public final class FabstirCustomizerProvider implements AutoConfigurationCustomizerProvider, AutoConfigureListener {

  /** The seed's buckets for fabstir_job_processing_duration_seconds. */
  static final List<Double> JOB_BUCKETS = List.of(1d, 5d, 10d, 30d, 60d, 120d, 300d, 600d);
  static final List<Double> OPERATION_BUCKETS =
      List.of(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1d, 2.5, 5d, 10d, 30d, 60d);

  private final FabstirRuntime runtime = new FabstirRuntime();

  @Override
  public void customize(AutoConfigurationCustomizer customizer) {
    customizer.addPropertiesSupplier(FabstirCustomizerProvider::exporterDefaults);
    customizer.addTracerProviderCustomizer(
        (builder, config) -> {
          builder.addSpanProcessor(runtime.init(config).spanProcessor());
          runtime.dashboardEvents().ifPresent(builder::addSpanProcessor);
          return builder;
        });
    customizer.addMeterProviderCustomizer(this::customizeMeters);
    // Every export leaves through the same rules as the log lines, and without the JVM's command line.
    customizer.addResourceCustomizer((resource, config) -> CommandLine.without(resource));
    customizer.addSpanExporterCustomizer(
        (exporter, config) -> RedactingSpanExporter.wrap(exporter, runtime.init(config).redaction()));
    customizer.addMetricExporterCustomizer(
        (exporter, config) -> RedactingMetricExporter.wrap(exporter, runtime.init(config).redaction()));
    customizer.addLogRecordExporterCustomizer(
        (exporter, config) -> RedactingLogRecordExporter.wrap(exporter, runtime.init(config).redaction()));
  }

  /**
   * Defaults only: any OTEL_* variable or otel.* property the operator sets wins. Logs go to files and through the
   * shipper, so OTLP log export is off unless asked for.
   */
  static Map<String, String> exporterDefaults() {
    return Map.of("otel.logs.exporter", "none");
  }

  private SdkMeterProviderBuilder customizeMeters(SdkMeterProviderBuilder builder, ConfigProperties config) {
    PrometheusReader reader = runtime.init(config).reader();
    builder.registerView(
        InstrumentSelector.builder().setName("fabstir_job_processing_duration_seconds").build(),
        View.builder().setAggregation(Aggregation.explicitBucketHistogram(JOB_BUCKETS)).build());
    builder.registerView(
        InstrumentSelector.builder().setName("fabstir_operation_duration_seconds").build(),
        View.builder().setAggregation(Aggregation.explicitBucketHistogram(OPERATION_BUCKETS)).build());
    return builder.registerMetricReader(reader);
  }

  @Override
  public void afterAutoConfigure(OpenTelemetrySdk sdk) {
    runtime.afterSdk(sdk);
  }

  @Override
  public int order() {
    return 100;
  }
}
