package io.fabstir.enrichers;

/**
 * Adds or changes fields of a record on its way from a log file to Kafka. Implementations are called from one
 * thread at a time per chain but may be shared between chains, so keep them stateless or thread-safe.
 */
@FunctionalInterface
public interface Enricher {

    void enrich(LogRecord record, RecordOrigin origin);
}
