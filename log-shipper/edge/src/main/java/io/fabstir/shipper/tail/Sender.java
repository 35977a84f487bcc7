package io.fabstir.shipper.tail;

import io.fabstir.shipper.logging.LogExcerpt;
import io.fabstir.shipper.metrics.ShipperMetrics;
import io.fabstir.shipper.retry.Backoff;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands records to the {@link RecordSink} and keeps every one until Kafka acknowledged it: an acknowledgement moves
 * its file's watermark; a refusal queues it for a re-send with backoff, and new records queue behind it (no line
 * blocks on a broker that is refusing). Counts what is in flight, which the reader uses to pause.
 */
final class Sender {
    private static final Logger LOG = LoggerFactory.getLogger(Sender.class);
    /** Re-sends of records Kafka refused: 200 ms doubling to 5 s, jittered. */
    private static final Backoff RESEND_BACKOFF = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

    private final RecordSink sink;
    private final ShipperMetrics metrics;
    private final AtomicLong inflightBytes = new AtomicLong();
    private final AtomicLong inflightRecords = new AtomicLong();
    private final ConcurrentLinkedQueue<InFlight> failed = new ConcurrentLinkedQueue<>();
    private int retryAttempts;
    private long retryAtNanos;

    Sender(RecordSink sink, ShipperMetrics metrics) {
        this.sink = sink;
        this.metrics = metrics;
    }

    /** Bytes sent and not yet acknowledged. */
    long inflightBytes() {
        return inflightBytes.get();
    }

    long inflightRecords() {
        return inflightRecords.get();
    }

    /** Whether records wait for a re-send (Kafka is refusing). */
    boolean refusing() {
        return !failed.isEmpty();
    }

    void send(InFlight r) {
        inflightBytes.addAndGet(r.value.length);
        inflightRecords.incrementAndGet();
        if (!failed.isEmpty()) {
            failed.add(r); // Kafka is refusing: queue behind the others instead of blocking on each line
            return;
        }
        dispatch(r);
    }

    /** @return false when the sink refused at once (e.g. no metadata within max.block.ms) */
    private boolean dispatch(InFlight r) {
        try {
            sink.send(r.value, new RecordSink.Delivery() {
                @Override
                public void acknowledged() {
                    r.owner.done(r);
                    inflightBytes.addAndGet(-r.value.length);
                    inflightRecords.decrementAndGet();
                    metrics.sent(1, r.value.length);
                }

                @Override
                public void failed(Exception e) {
                    onFailure(r, e);
                }
            });
        } catch (RuntimeException e) {
            onFailure(r, e);
            return false;
        }
        return true;
    }

    private void onFailure(InFlight r, Exception e) {
        metrics.error("send");
        if (failed.isEmpty() && retryAttempts == 0) {
            LOG.warn("Kafka did not take a record ({}); it is kept and re-sent, reading pauses meanwhile",
                    LogExcerpt.of(e));
        }
        failed.add(r);
    }

    /** Re-sends what was refused, when its backoff has passed. Reader thread. */
    void resendFailed(long now) {
        if (failed.isEmpty()) {
            retryAttempts = 0;
            return;
        }
        if (retryAttempts > 0 && now - retryAtNanos < 0) {
            return;
        }
        retryAttempts++;
        retryAtNanos = now + TimeUnit.MILLISECONDS.toNanos(RESEND_BACKOFF.delayMs(retryAttempts));
        List<InFlight> batch = new ArrayList<>();
        for (InFlight r; (r = failed.poll()) != null; ) {
            batch.add(r);
        }
        for (int i = 0; i < batch.size(); i++) {
            if (!dispatch(batch.get(i)) || !failed.isEmpty()) {
                // Refused at once (a send can block for max.block.ms first): keep the rest for the next round.
                failed.addAll(batch.subList(i + 1, batch.size()));
                return;
            }
        }
    }
}
