package io.fabstir.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import io.opentelemetry.api.OpenTelemetry;
import org.junit.jupiter.api.Test;

class ErrorTrackerTest {

  @Test
  void exceptionClassesBeyondTheCapCountAsOther() {
    ErrorTracker tracker = new ErrorTracker(OpenTelemetry.noop());
    for (int i = 0; i < ErrorTracker.MAX_TYPES; i++) {
      assertThat(tracker.boundedType("com.example.E" + i)).isEqualTo("com.example.E" + i);
    }
    assertThat(tracker.boundedType("com.example.E0")).isEqualTo("com.example.E0");
    assertThat(tracker.boundedType("com.example.Late")).isEqualTo(ErrorTracker.OTHER);
  }

  @Test
  void theCallersSeverityKeyValueWinsOverTheLevel() {
    LoggingEvent event = new LoggingEvent("x", new LoggerContext().getLogger("t"), Level.ERROR, "boom", null, null);
    assertThat(ErrorTrackingAppender.severity(event)).isEqualTo(ErrorTracker.DEFAULT_SEVERITY);
    event.addKeyValuePair(new org.slf4j.event.KeyValuePair("severity", "Critical"));
    assertThat(ErrorTrackingAppender.severity(event)).isEqualTo("critical");
  }
}
