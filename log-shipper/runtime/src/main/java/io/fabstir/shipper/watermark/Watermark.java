package io.fabstir.shipper.watermark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The position before which every registered item is done: the edge's per-file offset acknowledged by Kafka, the
 * indexer's per-partition offset stored by a sink. Items are registered in source order and finished in any order
 * (retries, parallel requests); the position moves past an item only once every earlier one is done, so whatever is
 * saved from it (a checkpoint, a committed offset) never skips an item that is still on its way.
 *
 * <p>Callers extend {@link Mark} with what they carry per item, so tracking one costs no extra object.
 * Thread-safe: items are usually registered by a reader thread and finished from I/O threads.
 */
public final class Watermark<M extends Watermark.Mark> {

    /** One registered item; {@code end} is the position just after it. */
    public static class Mark {
        private final long end;
        private boolean done;

        public Mark(long end) {
            this.end = end;
        }

        public final long end() {
            return end;
        }
    }

    private final ArrayDeque<M> pending = new ArrayDeque<>();
    private long position;

    /** @param start the position before the first item (for Kafka offsets, -1 while none is known) */
    public Watermark(long start) {
        this.position = start;
    }

    /** Registers the next item in source order; returns it. */
    public synchronized M register(M mark) {
        pending.addLast(mark);
        return mark;
    }

    /** Marks an item done; returns false when it was already. */
    public synchronized boolean done(M item) {
        Mark mark = item;
        if (mark.done) {
            return false;
        }
        mark.done = true;
        for (Mark first = pending.peekFirst(); first != null && first.done; first = pending.peekFirst()) {
            position = first.end;
            pending.pollFirst();
        }
        return true;
    }

    /** Everything before this position is done. */
    public synchronized long position() {
        return position;
    }

    /** Whether no registered item is still open. */
    public synchronized boolean idle() {
        return pending.isEmpty();
    }

    /** Items registered and not yet done, or done behind one that is not. */
    public synchronized int pending() {
        return pending.size();
    }

    /** Forgets every open item and returns them (their source is read again elsewhere); the position stays. */
    public synchronized List<M> clear() {
        List<M> open = new ArrayList<>(pending.size());
        for (M m : pending) {
            if (!((Mark) m).done) {
                open.add(m);
            }
        }
        pending.clear();
        return open;
    }
}
