package io.fabstir.examples.node;

import io.fabstir.otel.events.AuditEvents;
import io.fabstir.otel.events.FabstirEvents;
import io.fabstir.otel.events.PerfEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The node operator's side: registering the node, staking and withdrawing, claiming rewards, repricing models
 * (each an audit event after an on-chain call), and the peer network, whose hiccups are the occasional exception.
 */
final class OperatorActivity implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("fabstir.node.operator");
    private static final double MINIMUM_STAKE_ETH = 32.0;
    private static final String NODE_REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
    private static final String JOB_MARKETPLACE = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";

    private final NodeState state;
    private final SplittableRandom random;
    private final BooleanSupplier stopping;
    private final String wallet;
    private final AuditEvents audit = FabstirEvents.audit(log);
    private final PerfEvents rpc = FabstirEvents.perf(log).label("method", "eth_sendRawTransaction");

    OperatorActivity(NodeState state, SplittableRandom random, BooleanSupplier stopping) {
        this.state = state;
        this.random = random;
        this.stopping = stopping;
        this.wallet = "0x" + hex(40);
    }

    @Override
    public void run() {
        onChain("node.register", details("target", NODE_REGISTRY, "stake_eth", state.stakedEth,
                "models", String.join(",", Model.CATALOGUE.stream().map(Model::name).toList())));
        while (!stopping.getAsBoolean()) {
            Work.sleep(random.nextLong(1_200, 3_500));
            if (stopping.getAsBoolean()) {
                break;
            }
            network();
            if (random.nextDouble() < 0.7) {
                operatorAction();
            }
        }
    }

    private void operatorAction() {
        double r = random.nextDouble();
        if (r < 0.3) {
            double amount = round(0.5 + random.nextDouble() * 3.5);
            if (onChain("stake.deposit", details("target", NODE_REGISTRY, "amount_eth", amount))) {
                state.stakedEth = round(state.stakedEth + amount);
            }
        } else if (r < 0.55) {
            double amount = round(1 + random.nextDouble() * 9);
            Map<String, Object> d = details("target", NODE_REGISTRY, "amount_eth", amount, "stake_eth", state.stakedEth);
            if (state.stakedEth - amount < MINIMUM_STAKE_ETH) {
                audit.denied("stake.withdraw", wallet, "would leave the stake below the "
                        + MINIMUM_STAKE_ETH + " ETH minimum", d);
            } else if (onChain("stake.withdraw", d)) {
                state.stakedEth = round(state.stakedEth - amount);
            }
        } else if (r < 0.8) {
            double amount = state.unclaimedEth.sumThenReset();
            if (!onChain("rewards.claim", details("target", JOB_MARKETPLACE, "amount_eth", amount))) {
                state.unclaimedEth.add(amount);
            }
        } else {
            Model m = Model.pick(random);
            double price = round(m.ethPerKiloToken() * (0.9 + random.nextDouble() * 0.2) * 1e6) / 1e6;
            onChain("pricing.update", details("target", JOB_MARKETPLACE, "model", m.name(),
                    "eth_per_kilo_token", price));
        }
    }

    /** Sends the transaction (timed as chain.rpc) and writes the audit record; false when the RPC failed. */
    private boolean onChain(String action, Map<String, Object> details) {
        details.put("actor", "operator");
        try {
            Work.timed(rpc, "chain.rpc", () -> {
                double r = random.nextDouble();
                if (r < 0.03) {
                    Work.sleep(1_500);
                    throw new UncheckedIOException(new SocketTimeoutException(
                            "eth_sendRawTransaction to https://rpc.base.example timed out after 1500 ms"));
                }
                // Block inclusion now and then takes a while: those calls are the slow ones.
                Work.sleep(r < 0.15 ? random.nextLong(1_050, 1_700) : random.nextLong(40, 350));
            });
        } catch (UncheckedIOException e) {
            state.chainDownUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            log.warn("chain RPC failed during {}; /health reports chain unhealthy for 5 s", action, e);
            audit.denied(action, wallet, "chain RPC timeout", details);
            return false;
        }
        details.put("tx_hash", "0x" + hex(64));
        audit.action(action, wallet, details);
        return true;
    }

    private void network() {
        int peers = Math.max(3, Math.min(14, state.peers.get() + random.nextInt(-1, 2)));
        state.peers.set(peers);
        state.gasPriceGwei = round(Math.max(5, state.gasPriceGwei + random.nextDouble() * 4 - 2));
        long started = state.jobsStarted.get();
        // Points out of 100: a node loses reputation for the jobs it fails (half a point per percent failed).
        state.reputation = started == 0 ? 97.0
                : round(100.0 - 50.0 * state.jobsFailed.get() / (double) started);
        if (random.nextDouble() < 0.08) {
            String peer = "12D3KooW" + hex(12);
            log.warn("peer {} dropped; {} peers left, redialling", peer, peers,
                    new SocketException("Connection reset"));
        } else {
            log.debug("{} peers connected, gas {} gwei", peers, state.gasPriceGwei);
        }
    }

    private static Map<String, Object> details(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private String hex(int digits) {
        StringBuilder b = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            b.append(Character.forDigit(random.nextInt(16), 16));
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
