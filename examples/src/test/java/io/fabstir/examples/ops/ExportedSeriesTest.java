package io.fabstir.examples.ops;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The exported-series list is taken from the running node and carries the names and label values of the guide. */
@Tag("integration") // a child JVM under the agent
class ExportedSeriesTest {

    @Test
    void theNodeUnderTheAgentExportsTheGuidesNamesAndLabelValues() throws Exception {
        List<ExportedSeries.Series> series = ExportedSeries.get();

        assertThat(Files.readAllLines(ExportedSeries.file())).hasSize(series.size() + 1);
        assertThat(values(series, "fabstir_jobs_processed_total", "status")).containsExactlyInAnyOrder("success",
                "failed");
        assertThat(values(series, "fabstir_errors_total", "severity")).contains("error");
        assertThat(values(series, "fabstir_health_status", "check")).contains("disk", "gpu", "chain");
        assertThat(ExportedSeries.names()).contains("fabstir_gas_price_gwei", "fabstir_reputation_score",
                "fabstir_gpu_count", "fabstir_disk_free_ratio", "fabstir_active_jobs",
                "fabstir_job_processing_duration_seconds_bucket", "fabstir_operation_duration_seconds_bucket",
                "fabstir_shipper_records_sent_total", "fabstir_indexer_consumer_lag");
        assertThat(ExportedSeries.names()).as("host metrics from /proc").contains("fabstir_system_load1",
                "fabstir_system_cpu_used_percent", "fabstir_system_memory_used_percent",
                "fabstir_system_disk_used_percent", "fabstir_system_network_received_bytes_total",
                "fabstir_system_network_sent_bytes_total");
        assertThat(values(series, "fabstir_system_disk_used_percent", "mount")).contains("/");
        assertThat(ExportedSeries.names()).as("the agent's JVM memory and GC metrics").contains("jvm_memory_used",
                "jvm_memory_committed", "jvm_memory_limit", "jvm_gc_duration_count");
        assertThat(values(series, "fabstir_indexer_records_indexed_total", "sink")).containsExactlyInAnyOrder(
                "elasticsearch", "loki");
    }

    private static List<String> values(List<ExportedSeries.Series> series, String name, String label) {
        return series.stream().filter(s -> s.name().equals(name)).map(ExportedSeries.Series::labels)
                .map(l -> l.getOrDefault(label, "")).distinct().toList();
    }

}
