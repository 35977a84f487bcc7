package io.fabstir.enrichers;

import io.fabstir.enrichers.redact.Redactor;

/** Masks values under sensitive names at any depth and secrets inside every string value (the encoder's rules). */
final class RedactionEnricher implements Enricher {

    private final Redactor redactor;

    RedactionEnricher(Redactor redactor) {
        this.redactor = redactor;
    }

    @Override
    public void enrich(LogRecord record, RecordOrigin origin) {
        redactor.redact(record.json());
    }
}
