package io.fabstir.shipper.fault;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * One run of a scenario: its seed (printed, so a failure can be replayed with {@code -Dfault.seed}), its random
 * source, work folder and names. {@link #repeat} runs a scenario as often as the mode asks, closes the pipeline
 * whatever happened, writes every run into the report (failed runs too) and then asserts the invariants.
 */
final class FaultRun {
    /**
     * Live heap after a full GC, per kind of shipper process, that no run may exceed: tail holds at most
     * max_inflight_bytes (16 MiB) of records awaiting Kafka's ack, index at most max_in_flight (20 000) records plus
     * two 5 MiB bulk requests, the Loki sink one 1 MiB batch; four times that leaves room for the rest and is still
     * far below what a leak reaches within a soak run.
     */
    static final Map<String, Long> HEAP_BOUND = Map.of("tail", 64L << 20, "index", 128L << 20, "loki", 64L << 20);
    /**
     * Open file descriptors per process: a shipper JVM starts with about 110 (most are the test classpath's jars);
     * the rest is followed files (a rotation storm keeps up to 22 per tail) and sockets.
     */
    static final Map<String, Integer> FD_BOUND = Map.of("tail", 200, "index", 250, "loki", 200);

    /** The scenario's actions for one run. */
    @FunctionalInterface
    interface Body {
        void run(FaultRun run) throws Exception;
    }

    final String scenario;
    final int number;
    final int of;
    final long seed;
    final Random random;
    final String tag;
    final Path dir;
    final FaultSettings settings = FaultSettings.CURRENT;
    private Pipeline pipeline;
    private final List<Tally> tallies = new ArrayList<>();
    private final Map<String, String> notes = new LinkedHashMap<>();
    private final Map<String, Duration> stalls = new LinkedHashMap<>();

    private FaultRun(String scenario, String code, int number, int of, long seed) throws IOException {
        this.scenario = scenario;
        this.number = number;
        this.of = of;
        this.seed = seed;
        this.random = new Random(seed);
        this.tag = code + number + Long.toString(Math.floorMod(seed, 36L * 36 * 36 * 36), 36);
        Path runs = FaultSettings.buildDir().resolve("faults").resolve("runs");
        this.dir = Files.createDirectories(runs.resolve(tag + "-" + System.currentTimeMillis() % 100_000));
    }

    /** Starts this run's pipeline on the single broker and node, its topic with {@code partitions}. */
    Pipeline pipeline(int partitions) throws IOException {
        return pipeline(partitions, FaultServices.get());
    }

    /** Starts this run's pipeline on {@code services}, its topic with {@code partitions}. */
    Pipeline pipeline(int partitions, Services services) throws IOException {
        if (pipeline != null) {
            throw new IllegalStateException("one pipeline per run");
        }
        pipeline = Pipeline.start(this, partitions, services);
        return pipeline;
    }

    /** Records the count of one sink (the Elasticsearch one, and for the Loki scenario also Loki's). */
    void result(Tally t) {
        tallies.add(t);
        System.out.println("[fault] " + scenario + " run " + number + ": " + t.describe());
    }

    /** A fact about the run for the report, e.g. how the disk was filled. */
    void note(String key, String value) {
        notes.put(key, value);
    }

    /** The longest time {@code where} (the edge, the indexer) made no progress while records were waiting. */
    void stall(String where, Duration longest) {
        stalls.put(where, longest);
    }

    /** A random duration in [min, max). */
    Duration between(Duration min, Duration max) {
        return min.plusMillis((long) (random.nextDouble() * (max.toMillis() - min.toMillis())));
    }

    void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    /** Runs {@code body} {@link FaultSettings#runs()} times, each reported, then fails on the first broken run. */
    static void repeat(String scenario, String code, String faults, Body body) throws Exception {
        FaultSettings s = FaultSettings.CURRENT;
        FaultReport.describe(scenario, faults);
        List<String> failures = new ArrayList<>();
        for (int r = 1; r <= s.runs(); r++) {
            long seed = s.runSeed(scenario, r);
            System.out.printf("[fault] %s: run %d/%d, mode %s, run seed %d (replay the suite with -Dfault.seed=%d)%n",
                    scenario, r, s.runs(), s.mode.name().toLowerCase(java.util.Locale.ROOT), seed, s.seed);
            FaultRun run = new FaultRun(scenario, code, r, s.runs(), seed);
            long t0 = System.nanoTime();
            Throwable failure = null;
            try {
                body.run(run);
            } catch (Throwable e) {
                failure = e;
            }
            List<String> leftovers = List.of();
            List<String> crashes = List.of();
            if (run.pipeline != null) {
                try {
                    leftovers = run.pipeline.shutdown();
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
                crashes = run.pipeline.crashes();
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            List<String> problems = run.problems(leftovers, crashes, failure);
            FaultReport.add(run, took, problems);
            if (problems.isEmpty()) {
                deleteQuietly(run.dir);
                if (run.pipeline != null && !Boolean.getBoolean("fault.keep")) {
                    run.pipeline.dropIndices();
                }
            } else {
                failures.add(scenario + " run " + r + " (seed " + seed + ", logs in " + run.dir + "):\n  - "
                        + String.join("\n  - ", problems));
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(String.join("\n", failures));
        }
    }

    private List<String> problems(List<String> leftovers, List<String> crashes, Throwable failure) {
        List<String> out = new ArrayList<>();
        if (failure != null) {
            out.add("the run failed: " + failure + stack(failure));
        }
        if (tallies.isEmpty() && failure == null) {
            out.add("the run recorded no count");
        }
        for (Tally t : tallies) {
            if (!t.held()) {
                out.add(t.describe());
            }
        }
        leftovers.forEach(l -> out.add("still running after the run: " + l));
        crashes.forEach(c -> out.add("crashed: " + c));
        if (pipeline != null) {
            pipeline.sampler().problems().forEach(p -> System.out.println("[fault] sampler: " + p));
            pipeline.sampler().peaks().forEach((kind, peak) -> {
                if (peak.heapSamples == 0) {
                    out.add("no heap sample of " + kind + " (the bound was not checked)");
                } else if (peak.heapBytes > HEAP_BOUND.getOrDefault(kind, Long.MAX_VALUE)) {
                    out.add(kind + " live heap " + mib(peak.heapBytes) + " over the bound "
                            + mib(HEAP_BOUND.get(kind)));
                }
                if (peak.fds > FD_BOUND.getOrDefault(kind, Integer.MAX_VALUE)) {
                    out.add(kind + " open fds " + peak.fds + " over the bound " + FD_BOUND.get(kind));
                }
            });
        }
        return out;
    }

    private static String stack(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().startsWith("io.fabstir")) {
                sb.append("\n      at ").append(e);
            }
            if (sb.length() > 2000) {
                break;
            }
        }
        return sb.toString();
    }

    static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    Pipeline pipeline() {
        return pipeline;
    }

    List<Tally> tallies() {
        return tallies;
    }

    Map<String, String> notes() {
        return notes;
    }

    Map<String, Duration> stalls() {
        return stalls;
    }

    private static void deleteQuietly(Path dir) {
        if (Boolean.getBoolean("fault.keep")) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // under target/: the next clean removes it
        }
    }
}
