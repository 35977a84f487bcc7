/**
 * Pre-index normalisation: turns a Kafka value into a document Elasticsearch will accept, repairing what would be
 * rejected (metadata-like or blank field names, over-deep nesting, too many fields, timestamps outside the accepted
 * window) and marking each repair in {@code fabstir.normalized}; values that are not JSON objects are rejected with a
 * reason for the dead-letter queue.
 */
package io.fabstir.shipper.normalize;
