package io.fabstir.shipper.index;

import org.apache.kafka.common.TopicPartition;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Offsets of one assigned partition that are polled but not yet settled. Registration and
 * {@link #committable()} run on the consumer thread only; tickets are settled from sink threads.
 */
final class PartitionProgress {
    final TopicPartition partition;
    private final ArrayDeque<Ticket> pending = new ArrayDeque<>();
    private final AtomicInteger inFlight;
    private long next = -1;
    long committed = -1;
    volatile boolean revoked;
    volatile String failure;

    PartitionProgress(TopicPartition partition, AtomicInteger inFlight) {
        this.partition = partition;
        this.inFlight = inFlight;
    }

    Ticket register(long offset) {
        Ticket t = new Ticket(this, offset);
        pending.add(t);
        next = offset + 1;
        inFlight.incrementAndGet();
        return t;
    }

    /** The offset to commit: the lowest one not settled, or the one after the last polled; -1 if none polled. */
    long committable() {
        while (!pending.isEmpty() && pending.peek().done) {
            pending.poll();
        }
        return pending.isEmpty() ? next : pending.peek().offset;
    }

    int pendingCount() {
        return pending.size();
    }

    /** The partition is no longer ours: forget its unsettled records (the next owner re-reads them). */
    void abandon() {
        revoked = true;
        for (Ticket t : pending) {
            t.release();
        }
        pending.clear();
    }

    /** One polled record; {@link #settle()} once it is in Elasticsearch or in the DLQ. */
    static final class Ticket {
        final PartitionProgress progress;
        final long offset;
        volatile boolean done;
        private final AtomicBoolean released = new AtomicBoolean();

        Ticket(PartitionProgress progress, long offset) {
            this.progress = progress;
            this.offset = offset;
        }

        void settle() {
            done = true;
            release();
        }

        /** Stops the partition: its commits never pass this record (which no longer counts as in flight). */
        void fail(String reason) {
            if (progress.failure == null) {
                progress.failure = "offset " + offset + ": " + reason;
            }
            release();
        }

        boolean abandoned() {
            return progress.revoked;
        }

        private void release() {
            if (released.compareAndSet(false, true)) {
                progress.inFlight.decrementAndGet();
            }
        }
    }
}
