/**
 * The Loki sink of {@code fabstir-shipper index --sink loki}: its own Kafka consumer group pushing records to Loki's
 * push API (snappy protobuf or JSON) with a small bounded label set, ids as structured metadata, per-stream
 * timestamp order, and offsets committed only after Loki (or the DLQ) took every record. Entry points:
 * {@link io.fabstir.shipper.sink.loki.LokiIndexer} and {@link io.fabstir.shipper.sink.loki.LokiConfig}.
 */
package io.fabstir.shipper.sink.loki;
