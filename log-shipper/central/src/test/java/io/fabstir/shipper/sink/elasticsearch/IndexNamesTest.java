package io.fabstir.shipper.sink.elasticsearch;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.OffsetDateTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IndexNamesTest {
    @Test
    void dailyNameIsTheUtcDayOfTheInstant() {
        IndexNames names = IndexNames.of(IndexNames.DEFAULT_PATTERN);
        assertThat(names.name(Instant.parse("2026-11-24T23:59:59.999Z"))).isEqualTo("fabstir-logs-2026.11.24");
        assertThat(names.name(OffsetDateTime.parse("2026-11-25T02:00:00+05:30").toInstant()))
                .isEqualTo("fabstir-logs-2026.11.24");
        assertThat(names.wildcard()).isEqualTo("fabstir-logs-*");
    }

    @Test
    void patternWithoutDateOrWithUpperCaseIsRefused() {
        assertThatThrownBy(() -> IndexNames.of("fabstir-logs")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IndexNames.of("Fabstir-{yyyy}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostsAcceptBareHostPortAndUrls() {
        assertThat(EsConnection.parseHost("es1:9201").toURI()).isEqualTo("http://es1:9201");
        assertThat(EsConnection.parseHost("https://es2").toURI()).isEqualTo("https://es2:9200");
    }
}
