package io.fabstir.shipper.retention;

import io.fabstir.shipper.sink.elasticsearch.IndexNames;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class RetentionSweeperTest {
    @Test
    void onlyIndicesWhoseNameIsADateOfThePatternAreConsidered() {
        IndexNames logs = IndexNames.of(IndexNames.DEFAULT_PATTERN);
        assertThat(RetentionSweeper.dayOf(logs, "fabstir-logs-2026.10.01")).isEqualTo(LocalDate.of(2026, 10, 1));
        assertThat(RetentionSweeper.dayOf(logs, "fabstir-logs-dlq-2026.10.01")).isNull();
        assertThat(RetentionSweeper.dayOf(logs, "fabstir-logs-important")).isNull();
        assertThat(RetentionSweeper.dayOf(logs, "other-2026.10.01")).isNull();
    }
}
