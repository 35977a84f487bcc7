package io.fabstir.otel.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

  @Test
  void keepsInstrumentNamesExactlyAndRendersCountersGaugesAndHistograms() {
    PrometheusReader reader = new PrometheusReader();
    try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
      Meter meter = provider.get("test");
      meter.counterBuilder("fabstir_jobs_processed_total").setUnit("").build()
          .add(3, Attributes.of(AttributeKey.stringKey("status"), "completed", AttributeKey.stringKey("model"), "m\"1"));
      meter.histogramBuilder("fabstir_job_processing_duration_seconds").setUnit("s")
          .setExplicitBucketBoundariesAdvice(List.of(1d, 5d)).build()
          .record(2.5, Attributes.of(AttributeKey.stringKey("model"), "m"));
      meter.gaugeBuilder("fabstir_gpu_count").ofLongs().buildWithCallback(m -> m.record(2));
      meter.counterBuilder("jvm.cpu.count.things").build().add(1);

      String text = reader.scrape();

      assertThat(text)
          .contains("# TYPE fabstir_jobs_processed_total counter\n")
          .contains("fabstir_jobs_processed_total{model=\"m\\\"1\",status=\"completed\"} 3\n")
          .contains("# TYPE fabstir_job_processing_duration_seconds histogram\n")
          .contains("fabstir_job_processing_duration_seconds_bucket{model=\"m\",le=\"1\"} 0\n")
          .contains("fabstir_job_processing_duration_seconds_bucket{model=\"m\",le=\"5\"} 1\n")
          .contains("fabstir_job_processing_duration_seconds_bucket{model=\"m\",le=\"+Inf\"} 1\n")
          .contains("fabstir_job_processing_duration_seconds_sum{model=\"m\"} 2.5\n")
          .contains("fabstir_job_processing_duration_seconds_count{model=\"m\"} 1\n")
          .contains("# TYPE fabstir_gpu_count untyped\nfabstir_gpu_count 2\n")
          .contains("# TYPE jvm_cpu_count_things_total counter\n")
          .doesNotContain("seconds_seconds");
    }
  }
}
