/**
 * The central loop of {@code index}, one for every sink: a Kafka consumer group on {@code fabstir.logs} that
 * transforms each record once ({@link io.fabstir.shipper.index.Transform}), hands it to a
 * {@link io.fabstir.shipper.sink.Sink}, dead-letters what cannot be stored (the DLQ topic, naming the sink, and the
 * sink's own DLQ store), and commits each partition only up to its lowest offset not yet settled, so a crash or
 * rebalance re-delivers, never skips.
 */
package io.fabstir.shipper.index;
