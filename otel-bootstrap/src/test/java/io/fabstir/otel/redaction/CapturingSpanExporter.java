package io.fabstir.otel.redaction;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code otel.traces.exporter=fabstir-capture}: an exporter that autoconfigure builds like any other (so the
 * extension's customizers wrap it as they wrap OTLP), keeping what it is given.
 */
public final class CapturingSpanExporter implements SpanExporter {

  static final List<SpanData> EXPORTED = new CopyOnWriteArrayList<>();

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    EXPORTED.addAll(spans);
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }

  /** The SPI provider autoconfigure finds in META-INF/services. */
  public static final class Provider implements ConfigurableSpanExporterProvider {
    @Override
    public SpanExporter createExporter(ConfigProperties config) {
      return new CapturingSpanExporter();
    }

    @Override
    public String getName() {
      return "fabstir-capture";
    }
  }
}
