package io.fabstir.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

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
}
