package io.fabstir.shipper.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The suite's report, {@code FAULTS.md}: rewritten after every run, always to {@code <build dir>/faults/FAULTS.md}
 * and also to {@code -Dfault.report=PATH} (relative to the repository root). Everything in it comes from the runs;
 * nothing is typed by hand.
 */
final class FaultReport {
    private static final Instant STARTED = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final Map<String, String> SCENARIOS = new LinkedHashMap<>();
    private static final List<String> ROWS = new ArrayList<>();
    private static final List<String> NOTES = new ArrayList<>();
    private static int runs;
    private static int failedRuns;
    private static long written;
    private static long missing;
    private static long duplicated;
    private static int kills;

    private FaultReport() {
    }

    static synchronized void describe(String scenario, String faults) {
        SCENARIOS.putIfAbsent(scenario, faults);
    }

    static synchronized void add(FaultRun run, Duration took, List<String> problems) {
        runs++;
        if (!problems.isEmpty()) {
            failedRuns++;
        }
        Pipeline p = run.pipeline();
        Map<String, Integer> k = p == null ? Map.of() : p.kills();
        kills += k.values().stream().mapToInt(Integer::intValue).sum();
        String killText = k.isEmpty() ? "–" : k.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue())
                .collect(Collectors.joining(", "));
        String heap = "–";
        String fds = "–";
        if (p != null) {
            heap = peaks(p, true);
            fds = peaks(p, false);
        }
        String result = problems.isEmpty() ? "held" : "**FAILED**: " + escape(problems.get(0).lines().findFirst()
                .orElse("")) + (problems.size() > 1 ? " (+" + (problems.size() - 1) + " more)" : "");
        String other = run.notes().isEmpty() ? "–" : run.notes().entrySet().stream()
                .map(e -> e.getKey() + ": " + e.getValue()).collect(Collectors.joining("; "));
        List<Tally> tallies = run.tallies().isEmpty() ? List.of() : run.tallies();
        if (tallies.isEmpty()) {
            ROWS.add(row(run, "–", "–", "–", "–", "–", "–", killText, other, took, heap, fds, result));
        }
        for (Tally t : tallies) {
            written += t.written();
            missing += t.missing();
            duplicated += t.duplicated();
            ROWS.add(row(run, t.sink(), t.written(), t.indexed(), t.missing(), t.duplicated(), t.inDlq(), killText,
                    other, took, heap, fds, result));
        }
        problems.forEach(pr -> NOTES.add("- " + run.scenario + " run " + run.number + " (seed " + run.seed + "): "
                + escape(pr.lines().findFirst().orElse(""))));
        write();
    }

    private static String peaks(Pipeline p, boolean heap) {
        List<String> out = new ArrayList<>();
        for (String kind : List.of("tail", "index", "loki")) {
            ResourceSampler.Peak peak = p.sampler().peaks().get(kind);
            if (peak != null) {
                out.add(kind + " " + (heap ? FaultRun.mib(peak.heapBytes) : Integer.toString(peak.fds)));
            }
        }
        return out.isEmpty() ? "–" : String.join(" / ", out);
    }

    private static String row(FaultRun run, Object sink, Object written, Object indexed, Object missing,
                              Object duplicated, Object dlq, String kills, String other, Duration took, String heap,
                              String fds, String result) {
        return "| " + String.join(" | ", run.scenario, run.number + "/" + run.of, Long.toString(run.seed),
                String.valueOf(sink), String.valueOf(written), String.valueOf(indexed), String.valueOf(missing),
                String.valueOf(duplicated), String.valueOf(dlq), kills, escape(other),
                took.toSeconds() + " s", heap, fds, result) + " |";
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    static String command() {
        FaultSettings s = FaultSettings.CURRENT;
        return "mvn -B -ntp -pl log-shipper/tools -am verify -Dit.test='Fault*Test' -Dtest=none"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false"
                + " -Dfault.mode=" + s.mode.name().toLowerCase(Locale.ROOT) + " -Dfault.seed=" + s.seed
                + " -Dfault.report=FAULTS.md";
    }

    private static void write() {
        FaultSettings s = FaultSettings.CURRENT;
        StringBuilder md = new StringBuilder();
        md.append("# Fault-injection report\n\n");
        md.append("Written by the `fault` test suite (`log-shipper/tools/src/test/java/io/fabstir/shipper/fault`) as it ran; "
                + "not edited by hand. To reproduce it (same seed, so the same fault schedule):\n\n");
        md.append("```\n").append(command()).append("\n```\n\n");
        md.append("Mode **").append(s.mode.name().toLowerCase(Locale.ROOT)).append("**, suite seed ").append(s.seed)
                .append(s.seedGiven ? " (given)" : " (drawn)").append(", started ").append(STARTED).append(" on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", ").append(System.getProperty("os.name"))
                .append(' ').append(System.getProperty("os.version")).append(".\n\n");
        md.append("Pipeline: log writers → files → `fabstir-shipper tail` (child JVM per node) → Kafka (child-JVM "
                + "broker) → `fabstir-shipper index` (child JVMs, one consumer group) → Elasticsearch (daily indices "
                + "+ DLQ indices); the Loki scenario adds the Loki sink (child JVM, its own group) → a Loki push "
                + "receiver.\n\n");
        md.append("Invariant of every run: each written record is stored exactly once across all daily indices, or "
                + "is in the DLQ once with a reason; no shipper process outlives the run; no shipper process dies "
                + "by itself; live heap (after a full GC, `jcmd GC.run` + `GC.heap_info` every 4 s) and open file "
                + "descriptors (`/proc/<pid>/fd`, every second) stay under: ");
        md.append(List.of("tail", "index", "loki").stream().map(k -> k + " " + FaultRun.mib(FaultRun.HEAP_BOUND.get(k))
                + " / " + FaultRun.FD_BOUND.get(k) + " fds").collect(Collectors.joining(", "))).append(".\n\n");
        md.append("Totals: ").append(runs).append(" runs, ").append(failedRuns).append(" failed, ").append(kills)
                .append(" kills, ").append(written).append(" records written, ").append(missing).append(" missing, ")
                .append(duplicated).append(" duplicated.\n\n");
        md.append("| Scenario | Run | Seed | Sink | Written | Indexed | Missing | Duplicated | DLQ | Kills | "
                + "Other faults | Duration | Max live heap | Max fds | Result |\n");
        md.append("|---|---|---|---|---:|---:|---:|---:|---:|---|---|---:|---|---|---|\n");
        ROWS.forEach(r -> md.append(r).append('\n'));
        md.append("\n## How each fault is injected\n\n");
        SCENARIOS.forEach((k, v) -> md.append("- **").append(k).append("**: ").append(v).append('\n'));
        if (!NOTES.isEmpty()) {
            md.append("\n## Failures\n\n");
            NOTES.forEach(n -> md.append(n).append('\n'));
        }
        byte[] bytes = md.toString().getBytes(StandardCharsets.UTF_8);
        try {
            Path always = Files.createDirectories(FaultSettings.buildDir().resolve("faults")).resolve("FAULTS.md");
            Files.write(always, bytes);
            if (s.reportPath != null) {
                Path p = Path.of(s.reportPath);
                if (!p.isAbsolute()) {
                    p = FaultSettings.moduleDir().getParent().resolve(p);
                }
                Files.write(p, bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fault report", e);
        }
    }
}
