package io.fabstir.enrichers;

import io.fabstir.enrichers.ids.DerivedUuid;

import java.util.UUID;

/**
 * Keeps a record's own {@code event.id}; gives a record without one an id derived from (host, file identity, byte
 * offset), so the same line re-read after a crash gets the same id and Elasticsearch stores it once.
 */
final class EventIds implements Enricher {

    static final String FIELD = "event.id";

    private final String host;

    EventIds(String host) {
        this.host = host == null ? "" : host;
    }

    @Override
    public void enrich(LogRecord record, RecordOrigin origin) {
        String own = record.text(FIELD);
        if (own != null && !own.isBlank()) {
            return;
        }
        record.put(FIELD, derive(host, origin.fileIdentity(), origin.offset()).toString());
        record.put("fabstir.event_id_source", "derived");
    }

    /** A UUIDv8 over (host, 0, file identity, 0, offset): see {@link DerivedUuid}. */
    static UUID derive(String host, String fileIdentity, long offset) {
        return DerivedUuid.start().text(host).separator().text(fileIdentity).separator().number(offset).toUuid();
    }
}
