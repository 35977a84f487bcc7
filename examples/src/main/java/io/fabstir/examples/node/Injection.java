package io.fabstir.examples.node;

import java.time.Duration;
import java.util.Locale;

/**
 * A condition the operator (or an alert test) injects into a run at a given time, so that each shipped alert can be
 * seen firing on the node's real metrics: {@code --inject gas-spike@20s}.
 */
record Injection(Kind kind, Duration at) {

    enum Kind {
        /** Gas price jumps to {@link #SPIKE_GWEI} gwei and stays there. */
        GAS_SPIKE,
        /** Gas price alternates: {@link #SPIKE_GWEI} for 8 s, back to normal for 2 s, again and again. */
        GAS_FLAP,
        /** Reputation falls by {@link #REPUTATION_DROP} points and stays down. */
        REPUTATION_DROP;

        String option() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    static final double SPIKE_GWEI = 150.0;
    static final double REPUTATION_DROP = 15.0;
    static final long FLAP_HIGH_MILLIS = 8_000;
    static final long FLAP_LOW_MILLIS = 2_000;

    /** {@code KIND@DURATION}, e.g. {@code reputation-drop@30s}. */
    static Injection parse(String v) {
        int at = v.indexOf('@');
        String kind = (at < 0 ? v : v.substring(0, at)).trim().toUpperCase(Locale.ROOT).replace('-', '_');
        Kind k;
        try {
            k = Kind.valueOf(kind);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--inject: '" + v + "' names no injection; use gas-spike, gas-flap or "
                    + "reputation-drop, optionally @DURATION (e.g. gas-spike@20s)");
        }
        return new Injection(k, at < 0 ? Duration.ZERO : NodeOptions.duration(v.substring(at + 1)));
    }

    /** Whether the injection is active {@code sinceStartMillis} into the run. */
    boolean activeAt(long sinceStartMillis) {
        long t = sinceStartMillis - at.toMillis();
        if (t < 0) {
            return false;
        }
        return kind != Kind.GAS_FLAP || t % (FLAP_HIGH_MILLIS + FLAP_LOW_MILLIS) < FLAP_HIGH_MILLIS;
    }
}
