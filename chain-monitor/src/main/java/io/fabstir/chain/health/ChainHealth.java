package io.fabstir.chain.health;

import io.fabstir.otel.health.HealthRegistry;
import io.fabstir.otel.health.HealthResult;
import java.time.Clock;
import java.time.Duration;

/**
 * The chain's two health checks, fed by the monitor's loop so that a check never waits on the RPC:
 * {@code node_connectivity} (the RPC answers and the head moves; degraded when the head stood still for longer than
 * the stall limit, unhealthy when the RPC fails) and {@code contracts} (the last read call to NodeRegistry worked).
 */
public final class ChainHealth {
    public static final String NODE_CONNECTIVITY = "node_connectivity";
    public static final String CONTRACTS = "contracts";

    private final Clock clock;
    private final Duration stallAfter;
    private volatile long head = -1;
    private volatile long headSince;
    private volatile String rpcError = "no answer from the RPC yet";
    private volatile String contractsError = "NodeRegistry not read yet";
    private volatile long nodeCount = -1;

    public ChainHealth(Duration stallAfter, Clock clock) {
        this.stallAfter = stallAfter;
        this.clock = clock;
    }

    /** Adds both checks to {@code registry}. */
    public ChainHealth registerIn(HealthRegistry registry) {
        registry.register(NODE_CONNECTIVITY, this::connectivity);
        registry.register(CONTRACTS, this::contracts);
        return this;
    }

    public void headSeen(long block) {
        long now = clock.millis();
        if (block != head) {
            head = block;
            headSince = now;
        }
        rpcError = null;
    }

    public void rpcFailed(String why) {
        rpcError = why;
    }

    public void contractsRead(long registeredNodes) {
        nodeCount = registeredNodes;
        contractsError = null;
    }

    public void contractsFailed(String why) {
        contractsError = why;
    }

    public HealthResult connectivity() {
        String err = rpcError;
        if (err != null) return HealthResult.unhealthy(err);
        long still = clock.millis() - headSince;
        if (still > stallAfter.toMillis()) {
            return HealthResult.degraded("block " + head + ": the head has not moved for " + still / 1000 + " s");
        }
        return HealthResult.healthy("block " + head);
    }

    public HealthResult contracts() {
        String err = contractsError;
        return err != null ? HealthResult.unhealthy(err)
                : HealthResult.healthy("NodeRegistry answers: " + nodeCount + " nodes registered");
    }
}
