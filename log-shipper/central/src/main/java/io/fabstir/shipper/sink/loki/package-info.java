/**
 * The Loki sink of {@code fabstir-shipper index --sink loki} ({@link io.fabstir.shipper.sink.loki.LokiSink}, settings
 * in {@link io.fabstir.shipper.sink.loki.LokiConfig}): pushes documents to Loki's push API (snappy protobuf or JSON)
 * with a small bounded label set, ids as structured metadata and per-stream timestamp order, batching by itself.
 */
package io.fabstir.shipper.sink.loki;
