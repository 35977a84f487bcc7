package io.fabstir.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A slow operation becomes a span of its own, in the trace of the span current when it ended. */
class SlowOperationSpanTest {

  @Test
  void onlyTheSlowOperationBecomesASpanMarkedSlowInTheCurrentTraceCoveringItsDuration() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    try (OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build()) {
      OperationTimer timer = new OperationTimer(sdk, Duration.ofMillis(50));
      Span job = sdk.getTracer("test").spanBuilder("job.process").startSpan();
      try (Scope scope = job.makeCurrent()) {
        timer.record("inference", Duration.ofMillis(10), "success");
        timer.record("result.upload", Duration.ofMillis(1_500), "failure");
      }
      job.end();

      List<SpanData> slow = spans.getFinishedSpanItems().stream().filter(s -> !s.getName().equals("job.process")).toList();
      assertThat(slow).hasSize(1);
      SpanData s = slow.get(0);
      assertThat(s.getName()).isEqualTo("result.upload");
      assertThat(s.getAttributes().get(AttributeKey.booleanKey("fabstir.perf.slow"))).isTrue();
      assertThat(s.getAttributes().get(AttributeKey.stringKey("event.outcome"))).isEqualTo("failure");
      assertThat(s.getTraceId()).isEqualTo(job.getSpanContext().getTraceId());
      assertThat(s.getParentSpanId()).isEqualTo(job.getSpanContext().getSpanId());
      assertThat(s.getEndEpochNanos() - s.getStartEpochNanos()).isEqualTo(Duration.ofMillis(1_500).toNanos());
    }
  }
}
