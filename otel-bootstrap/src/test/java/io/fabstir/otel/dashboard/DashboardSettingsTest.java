package io.fabstir.otel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DashboardSettingsTest {

  private static DashboardSettings of(Map<String, String> p) {
    return DashboardSettings.from(DefaultConfigProperties.createFromMap(p));
  }

  @Test
  void offByDefaultWithFiveSecondPushesAndFifteenMinutesOfHistory() {
    DashboardSettings s = of(Map.of());
    assertThat(s.enabled()).isFalse();
    assertThat(s.interval()).isEqualTo(Duration.ofSeconds(5));
    assertThat(s.points()).isEqualTo(180);
    assertThat(s.jaegerUrl()).isNull();
  }

  @Test
  void aTooShortIntervalFailsNamingTheKey() {
    assertThatThrownBy(() -> of(Map.of("fabstir.dashboard.interval", "10ms")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("fabstir.dashboard.interval");
  }

  @Test
  void aJaegerUrlThatIsNotHttpFailsNamingTheKey() {
    assertThatThrownBy(() -> of(Map.of("fabstir.dashboard.jaeger.url", "jaeger:16686")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("fabstir.dashboard.jaeger.url");
    assertThat(of(Map.of("fabstir.dashboard.jaeger.url", "http://j:16686/")).jaegerUrl()).isEqualTo("http://j:16686");
  }
}
