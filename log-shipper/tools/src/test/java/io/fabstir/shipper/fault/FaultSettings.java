package io.fabstir.shipper.fault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How hard the suite attacks: {@code quick} (the default, run by every {@code mvn verify}: one run per scenario, a
 * few faults, bounded to a few minutes) or {@code soak} ({@code -Dfault.mode=soak}: several runs per scenario, at
 * least 20 kills in the kill storm, longer outages). Also the suite's seed ({@code -Dfault.seed=}) from which every
 * run's own seed is derived, and where the report goes besides {@code target/faults/FAULTS.md}
 * ({@code -Dfault.report=}).
 */
final class FaultSettings {
    enum Mode { QUICK, SOAK }

    static final FaultSettings CURRENT = fromSystemProperties();

    final Mode mode;
    final long seed;
    final boolean seedGiven;
    final String reportPath;

    private FaultSettings(Mode mode, long seed, boolean seedGiven, String reportPath) {
        this.mode = mode;
        this.seed = seed;
        this.seedGiven = seedGiven;
        this.reportPath = reportPath;
    }

    private static FaultSettings fromSystemProperties() {
        String m = first("fabstir.fault.mode", "fault.mode");
        Mode mode = m == null ? Mode.QUICK : Mode.valueOf(m.trim().toUpperCase(Locale.ROOT));
        String s = first("fault.seed", "fabstir.fault.seed");
        long seed = s == null ? ThreadLocalRandom.current().nextLong() : Long.parseLong(s.trim());
        return new FaultSettings(mode, seed, s != null, first("fault.report", "fabstir.fault.report"));
    }

    private static String first(String... names) {
        for (String n : names) {
            String v = System.getProperty(n);
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }

    boolean soak() {
        return mode == Mode.SOAK;
    }

    /** Runs of each scenario. */
    int runs() {
        return soak() ? 3 : 1;
    }

    /** quick or soak value. */
    int pick(int quick, int soak) {
        return soak() ? soak : quick;
    }

    Duration pick(Duration quick, Duration soak) {
        return soak() ? soak : quick;
    }

    /** The seed of one run of one scenario: reproducible from the suite seed alone. */
    long runSeed(String scenario, int run) {
        long h = seed ^ (scenario.hashCode() * 0x9E3779B97F4A7C15L) ^ (run * 0xBF58476D1CE4E5B9L);
        h ^= h >>> 31;
        return h * 0x94D049BB133111EBL;
    }

    /** The folder of the module under test ({@code log-shipper}), from where the test classes were loaded. */
    static Path moduleDir() {
        try {
            Path classes = Path.of(FaultSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return classes.getParent().getParent(); // <module>/<build dir>/test-classes
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code <module>/<build dir>}, e.g. log-shipper/tools/target. */
    static Path buildDir() {
        try {
            return Path.of(FaultSettings.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
