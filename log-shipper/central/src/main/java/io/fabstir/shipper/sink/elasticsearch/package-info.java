/**
 * Elasticsearch sink of the central indexer: the client connection ({@link EsConnection}), daily index names
 * ({@link IndexNames}) and {@link ElasticsearchSink}, which feeds the official client's {@code BulkIngester} and
 * settles every record from its own bulk item result: stored, already there, rejected (for the DLQ) or retried.
 */
package io.fabstir.shipper.sink.elasticsearch;
