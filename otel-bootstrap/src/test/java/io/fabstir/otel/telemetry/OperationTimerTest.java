package io.fabstir.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class OperationTimerTest {

  @Test
  void recordsDurationByOperationAndOutcomeAndWarnsAboutSlowOperations() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    Logger logger = (Logger) LoggerFactory.getLogger(OperationTimer.class);
    ListAppender<ILoggingEvent> logs = new ListAppender<>();
    logs.start();
    logger.addAppender(logs);
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build()) {
      OperationTimer timer = new OperationTimer(sdk, Duration.ofMillis(50));
      timer.record("load_model", Duration.ofMillis(10), "success");
      timer.record("load_model", Duration.ofMillis(120), "failure");

      HistogramPointData failure = reader.collectAllMetrics().iterator().next().getHistogramData().getPoints().stream()
          .filter(p -> "failure".equals(p.getAttributes().get(AttributeKey.stringKey("outcome"))))
          .findFirst().orElseThrow();
      assertThat(failure.getSum()).isEqualTo(0.12);
      assertThat(logs.list).hasSize(1);
      assertThat(logs.list.get(0).getLevel()).isEqualTo(Level.WARN);
      assertThat(logs.list.get(0).getFormattedMessage()).contains("Slow operation load_model took 120 ms");
    } finally {
      logger.detachAppender(logs);
    }
  }
}
