/**
 * The log record shared by encoder, edge and indexer ({@link io.fabstir.enrichers.LogRecord}), and the
 * {@link io.fabstir.enrichers.Enricher} chain the edge shipper runs on every record; add your own through
 * {@link io.fabstir.enrichers.EnricherProvider} and {@code ServiceLoader}.
 */
package io.fabstir.enrichers;
