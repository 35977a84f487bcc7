package io.fabstir.shipper.tail;

import java.util.ArrayDeque;

/**
 * The offset of one file before which Kafka has acknowledged every record. Records are registered in file order;
 * acknowledgements may arrive in any order (re-sends after a failure), so the offset only moves past a record once
 * every earlier one is acknowledged too.
 */
final class AckTracker {

    /** One record on its way to Kafka. */
    static final class InFlight {
        final AckTracker owner;
        final long end;
        final byte[] value;
        boolean done;

        InFlight(AckTracker owner, long end, byte[] value) {
            this.owner = owner;
            this.end = end;
            this.value = value;
        }
    }

    private final ArrayDeque<InFlight> pending = new ArrayDeque<>();
    private long acked;

    AckTracker(long start) {
        this.acked = start;
    }

    synchronized InFlight register(long end, byte[] value) {
        InFlight f = new InFlight(this, end, value);
        pending.addLast(f);
        return f;
    }

    synchronized void acknowledge(InFlight f) {
        f.done = true;
        while (!pending.isEmpty() && pending.peekFirst().done) {
            acked = pending.pollFirst().end;
        }
    }

    synchronized long acked() {
        return acked;
    }

    synchronized boolean idle() {
        return pending.isEmpty();
    }
}
