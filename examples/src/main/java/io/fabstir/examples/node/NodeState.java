package io.fabstir.examples.node;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/** What the node's gauges read, shared by the GPU workers and the operator activity. */
final class NodeState {
    final DoubleAdder earnedEth = new DoubleAdder();
    final DoubleAdder unclaimedEth = new DoubleAdder();
    final AtomicInteger peers = new AtomicInteger(8);
    final AtomicLong jobsStarted = new AtomicLong();
    final AtomicLong jobsFailed = new AtomicLong();
    volatile double stakedEth = 32.0;
    volatile double gasPriceGwei = 18.0;
    /** Reputation in points, 0..100 (the alert watches for a drop of more than 10). */
    volatile double reputation = 97.0;
    /** Until when the chain RPC is considered down (System.nanoTime), after a simulated timeout. */
    volatile long chainDownUntil;

    boolean chainUp() {
        return System.nanoTime() - chainDownUntil >= 0;
    }
}
