package io.fabstir.otel.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabstir.otel.telemetry.FabstirTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Without the agent, {@code FabstirTelemetry.install()} wraps the configured span exporter the same way. */
class LibraryModeSpanRedactionTest {

  private FabstirTelemetry telemetry;

  @AfterEach
  void close() {
    if (telemetry != null) {
      telemetry.close();
    }
    CapturingSpanExporter.EXPORTED.clear();
  }

  @Test
  void aFailedJobsSecretsAreMaskedInTheStatusAndTheExceptionEventBeforeTheExporterSeesThem() {
    telemetry = FabstirTelemetry.install(Map.of("otel.traces.exporter", "fabstir-capture",
        "otel.metrics.exporter", "none", "otel.bsp.schedule.delay", "50", "fabstir.gpu.enabled", "false",
        "fabstir.log.redact-keys", "customer_ref"));
    telemetry.jobs().onJobStarted("j-1", "llama");
    telemetry.jobs().onJobFailed("j-1",
        new IllegalStateException("redis://default:s3cr3t-pass@cache:6379 refused; customer_ref=C-991"));

    SpanData span = Awaitility.await().atMost(Duration.ofSeconds(10))
        .until(() -> CapturingSpanExporter.EXPORTED.stream().filter(s -> s.getName().equals("job.process"))
            .findFirst().orElse(null), s -> s != null);

    assertThat(span.getStatus().getDescription())
        .isEqualTo("redis://default:[REDACTED]@cache:6379 refused; customer_ref=[REDACTED]");
    EventData exception = span.getEvents().get(0);
    assertThat(exception.getAttributes().get(AttributeKey.stringKey("exception.message")))
        .doesNotContain("s3cr3t-pass", "C-991");
    assertThat(exception.getAttributes().get(AttributeKey.stringKey("exception.stacktrace")))
        .startsWith("java.lang.IllegalStateException: redis://default:[REDACTED]@cache:6379")
        .doesNotContain("s3cr3t-pass");
    assertThat(span.getAttributes().get(AttributeKey.stringKey("fabstir.job.id"))).isEqualTo("j-1");
  }
}
