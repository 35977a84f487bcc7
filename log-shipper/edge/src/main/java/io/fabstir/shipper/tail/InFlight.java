package io.fabstir.shipper.tail;

import io.fabstir.shipper.watermark.Watermark;

/** One record on its way to Kafka: its place in its file's acknowledgement watermark, and its bytes for a re-send. */
final class InFlight extends Watermark.Mark {
    final Watermark<InFlight> owner;
    final byte[] value;

    InFlight(Watermark<InFlight> owner, long end, byte[] value) {
        super(end);
        this.owner = owner;
        this.value = value;
    }
}
