package io.fabstir.shipper.retention;

import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Retention against the real Elasticsearch of the local-services kit (which has no ILM). */
@Tag("integration")
class RetentionSweeperIntegrationTest {

    @Test
    void indicesWhoseDayIsOlderThanKeepAreDeletedAndDryRunDeletesNothing() throws Exception {
        String prefix = "fabstir-logs-ret" + Long.toString(System.nanoTime() % 1_000_000, 36);
        try (EsConnection es = EsConnection.builder().host(SharedServices.elasticsearchUrl()).build()) {
            for (String day : List.of("2026.10.01", "2026.10.24", "2026.10.25", "2026.11.24")) {
                String name = prefix + "-" + day;
                es.client().indices().create(c -> c.index(name)
                        .settings(s -> s.numberOfReplicas("0")));
            }
            es.client().indices().create(c -> c.index(prefix + "-keepme").settings(s -> s.numberOfReplicas("0")));
            // "Now" is 2026-11-24T12:00Z: with 30 days kept, days ending on or before 2026-10-25T12:00Z go.
            Clock now = Clock.fixed(Instant.parse("2026-11-24T12:00:00Z"), ZoneOffset.UTC);
            RetentionSweeper.Builder sweeper = RetentionSweeper.builder().client(es.client())
                    .pattern(prefix + "-{yyyy.MM.dd}").keep(Duration.ofDays(30)).clock(now);

            List<String> wouldGo = sweeper.dryRun(true).build().sweep();
            assertThat(wouldGo).containsExactly(prefix + "-2026.10.01", prefix + "-2026.10.24");
            assertThat(es.client().indices().exists(e -> e.index(prefix + "-2026.10.01")).value()).isTrue();

            List<String> gone = sweeper.dryRun(false).build().sweep();
            assertThat(gone).isEqualTo(wouldGo);
            assertThat(es.client().indices().exists(e -> e.index(prefix + "-2026.10.01")).value()).isFalse();
            assertThat(es.client().indices().exists(e -> e.index(prefix + "-2026.10.25")).value()).isTrue();
            assertThat(es.client().indices().exists(e -> e.index(prefix + "-keepme")).value()).isTrue();
            es.client().indices().delete(d -> d.index(prefix + "-2026.10.25", prefix + "-2026.11.24", prefix + "-keepme"));
        }
    }
}
