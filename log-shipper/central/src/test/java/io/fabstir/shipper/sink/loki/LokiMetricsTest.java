package io.fabstir.shipper.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LokiMetricsTest {

    @Test
    void exposesTheIndexerMetricNamesWithSinkLoki() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        LokiMetrics m = new LokiMetrics(registry);
        m.indexed(3);
        m.dlq(1);
        m.retry();
        m.batch(0.2);
        m.lag(2, 42);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        String text = out.toString(StandardCharsets.UTF_8);
        assertThat(text)
                .contains("fabstir_indexer_records_indexed_total{sink=\"loki\"} 3.0")
                .contains("fabstir_indexer_records_dlq_total{sink=\"loki\"} 1.0")
                .contains("fabstir_indexer_retries_total{sink=\"loki\"} 1.0")
                .contains("fabstir_indexer_batch_duration_seconds_count{sink=\"loki\"} 1")
                .contains("fabstir_indexer_consumer_lag{partition=\"2\",sink=\"loki\"} 42.0");
    }

    @Test
    void aSecondSinkInTheSameRegistryDoesNotStopStartUp() {
        PrometheusRegistry registry = new PrometheusRegistry();
        new LokiMetrics(registry);
        LokiMetrics second = new LokiMetrics(registry);
        second.indexed(1);
        assertThat(second.indexedCount()).isEqualTo(1);
    }
}
