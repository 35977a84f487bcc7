package io.fabstir.enrichers;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exact bytes of the ids the edge derives for lines without an {@code event.id}: stored documents are keyed by
 * them, so a refactor that changed one bit would store every re-sent line a second time. Known answers, never to be
 * regenerated from the code under test.
 */
class EventIdsKnownAnswerTest {

    @Test
    void derivedIdsAreUuidV8OverSha256OfHostFileIdentityAndOffset() {
        assertThat(EventIds.derive("gpu-host-7", "2049:131842:0123456789abcdef0123456789abcdef", 0))
                .hasToString("8367ea67-a0d6-8e4e-9105-bc42e03b55ae");
        assertThat(EventIds.derive("gpu-host-7", "2049:131842:0123456789abcdef0123456789abcdef", 4096))
                .hasToString("d2f2ef4c-351f-8e30-9c89-1783b6667a29");
        assertThat(EventIds.derive("", "mem", 1)).hasToString("9d20bc08-e553-8c23-b0fd-3c80c91cd3a5");
        assertThat(EventIds.derive("hôte", "64768:42:ffeeddccbbaa99887766554433221100", Long.MAX_VALUE))
                .hasToString("72846d28-2622-8e9a-9c4f-a8c9ae413033");
    }

    @Test
    void theChainGivesALineWithoutIdTheKnownDerivedId() {
        LogRecord r = LogRecord.empty();
        r.put("message", "no id of its own");
        EnricherChain.builder().hostName("gpu-host-7").build().enrich(r, new RecordOrigin(
                "2049:131842:0123456789abcdef0123456789abcdef", "/var/log/fabstir/a.json", 4096, Instant.EPOCH));
        assertThat(r.text("event.id")).isEqualTo("d2f2ef4c-351f-8e30-9c89-1783b6667a29");
        assertThat(r.text("fabstir.event_id_source")).isEqualTo("derived");
    }
}
