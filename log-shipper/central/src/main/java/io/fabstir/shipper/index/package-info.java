/**
 * The central indexer loop: a Kafka consumer group on {@code fabstir.logs} that normalises each record, hands it
 * to the Elasticsearch sink, dead-letters what cannot be indexed (Kafka topic and DLQ index), and commits each
 * partition only up to its lowest offset not yet settled, so a crash or rebalance re-delivers, never skips.
 */
package io.fabstir.shipper.index;
