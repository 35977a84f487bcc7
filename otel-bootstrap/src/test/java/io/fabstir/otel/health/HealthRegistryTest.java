package io.fabstir.otel.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class HealthRegistryTest {

  @Test
  void publishesEachCheckAsAHealthStatusGaugeAndAThrowingCheckIsUnhealthy() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder().setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build()) {
      HealthRegistry registry = new HealthRegistry(sdk);
      registry.register("chain", HealthResult::healthy);
      registry.register("models", () -> HealthResult.degraded("1 of 2 loaded"));
      registry.register("rpc", () -> { throw new IllegalStateException("timeout"); });

      assertThat(registry.overall()).isEqualTo(HealthStatus.UNHEALTHY);
      assertThat(registry.evaluate().get("rpc").detail()).contains("timeout");

      MetricData gauge = reader.collectAllMetrics().stream()
          .filter(m -> m.getName().equals(HealthRegistry.METRIC)).findFirst().orElseThrow();
      Map<String, Double> values = gauge.getDoubleGaugeData().getPoints().stream()
          .collect(Collectors.toMap(p -> p.getAttributes().get(HealthRegistry.CHECK), p -> p.getValue()));
      assertThat(values).containsExactlyInAnyOrderEntriesOf(Map.of("chain", 1.0, "models", 0.5, "rpc", 0.0));

      registry.unregister("rpc");
      assertThat(registry.overall()).isEqualTo(HealthStatus.DEGRADED);
    }
  }

  @Test
  void aCheckThatHangsIsUnhealthyAfterTheTimeoutIsNotStartedAgainAndCountsOnceItAnswers() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    HealthRegistry registry = new HealthRegistry(io.opentelemetry.api.OpenTelemetry.noop())
        .timeout(java.time.Duration.ofMillis(200));
    registry.register("chain", () -> {
      runs.incrementAndGet();
      release.await();
      return HealthResult.healthy("synced");
    });
    registry.register("disk", HealthResult::healthy);

    Map<String, HealthResult> first = registry.evaluate();
    Map<String, HealthResult> second = registry.evaluate();

    assertThat(first.get("chain").status()).isEqualTo(HealthStatus.UNHEALTHY);
    assertThat(first.get("chain").detail()).isEqualTo("no answer within 200 ms");
    assertThat(first.get("disk").status()).isEqualTo(HealthStatus.HEALTHY);
    assertThat(second.get("chain").detail()).isEqualTo("no answer within 200 ms");
    assertThat(runs.get()).as("a running check is waited for, not started twice").isEqualTo(1);
    release.countDown();
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
        .until(() -> registry.evaluate().get("chain").detail().equals("synced"));
  }

  @Test
  void gaugeValuesMapBackToStates() {
    for (HealthStatus s : HealthStatus.values()) {
      assertThat(HealthStatus.fromGaugeValue(s.gaugeValue())).isEqualTo(s);
    }
    assertThat(HealthStatus.HEALTHY.worst(HealthStatus.DEGRADED)).isEqualTo(HealthStatus.DEGRADED);
  }
}
