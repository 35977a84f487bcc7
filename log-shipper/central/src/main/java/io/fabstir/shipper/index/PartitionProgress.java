package io.fabstir.shipper.index;

import io.fabstir.shipper.watermark.Watermark;
import org.apache.kafka.common.TopicPartition;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One assigned partition: its offsets polled and not yet settled (a {@link Watermark} of tickets), whether a record
 * could not be stored even in the DLQ (then it stops), and whether it was revoked. Registration and
 * {@link #committable()} run on the consumer thread; tickets are settled from sink threads.
 */
final class PartitionProgress {
    final TopicPartition partition;
    private final AtomicInteger inFlight;
    private Watermark<Ticket> polled;
    long committed = -1;
    volatile boolean revoked;
    volatile String failure;

    PartitionProgress(TopicPartition partition, AtomicInteger inFlight) {
        this.partition = partition;
        this.inFlight = inFlight;
    }

    Ticket register(long offset) {
        if (polled == null) {
            // Consumption starts where the group's commit (or the reset policy) points: nothing to commit before it.
            polled = new Watermark<>(offset);
            committed = offset;
        }
        inFlight.incrementAndGet();
        return polled.register(new Ticket(this, polled, offset));
    }

    /** The offset to commit: the first one not settled, or the one after the last polled; -1 if none polled. */
    long committable() {
        return polled == null ? -1 : polled.position();
    }

    /** The partition is no longer ours: forget its unsettled records (the next owner re-reads them). */
    void abandon() {
        revoked = true;
        if (polled != null) {
            polled.clear().forEach(Ticket::release);
        }
    }

    /** One polled record; {@link #settle()} once it is in the sink or in the DLQ. */
    static final class Ticket extends Watermark.Mark {
        final PartitionProgress progress;
        final long offset;
        private final Watermark<Ticket> polled;
        private final AtomicBoolean released = new AtomicBoolean();

        Ticket(PartitionProgress progress, Watermark<Ticket> polled, long offset) {
            super(offset + 1);
            this.progress = progress;
            this.polled = polled;
            this.offset = offset;
        }

        void settle() {
            polled.done(this);
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
