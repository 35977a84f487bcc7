/**
 * What every destination of the central loop implements: {@link io.fabstir.shipper.sink.Sink}, the
 * {@link io.fabstir.shipper.sink.DeadLetter} it may keep, and {@link io.fabstir.shipper.sink.SinkMetrics}, labelled by
 * sink. Implementations: {@code sink.elasticsearch}, {@code sink.loki}.
 */
package io.fabstir.shipper.sink;
