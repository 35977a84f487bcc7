package io.fabstir.shipper.tail;

import io.fabstir.shipper.checkpoint.EndedContent;
import io.fabstir.shipper.checkpoint.Fingerprint;
import io.fabstir.shipper.watermark.Watermark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Content that left its inode (truncated by copytruncate, rewritten in place, or a checkpoint for content the inode
 * no longer holds), kept so that a copy of it found later continues it: under its identity (so derived event ids do
 * not change), from where its reading stopped, and with its watermark (its records still on their way to Kafka keep
 * the copy's checkpoint from passing them). Bounded in number and age; reader thread only.
 */
final class EndedContents {
    private static final long KEPT_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int MAX = 16;

    /** One ended content: its identity, first-line fingerprint, where reading stopped, its watermark. */
    record Ended(String identity, Fingerprint fingerprint, long position, Watermark<InFlight> acks, long atNanos) {
    }

    private final ArrayDeque<Ended> ended = new ArrayDeque<>();

    void remember(String identity, Fingerprint fingerprint, long position, Watermark<InFlight> acks) {
        ended.addLast(new Ended(identity, fingerprint, position, acks, System.nanoTime()));
        while (ended.size() > MAX) {
            ended.removeFirst();
        }
    }

    /** Content with this fingerprint that left its inode recently, if any (taken: one copy continues it). */
    Ended take(Fingerprint fp) {
        long now = System.nanoTime();
        ended.removeIf(e -> now - e.atNanos() > KEPT_NANOS);
        for (var it = ended.iterator(); it.hasNext(); ) {
            Ended e = it.next();
            if (e.fingerprint().equals(fp)) {
                it.remove();
                return e;
            }
        }
        return null;
    }

    /** What the checkpoint keeps of them, so a copy made while the shipper is down continues them too. */
    List<EndedContent> checkpoint() {
        List<EndedContent> out = new ArrayList<>(ended.size());
        for (Ended e : ended) {
            out.add(new EndedContent(e.identity(), e.fingerprint(), e.acks().position()));
        }
        return out;
    }
}
