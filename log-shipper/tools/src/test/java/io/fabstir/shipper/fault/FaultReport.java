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
 *
 * <p>The report holds one section per invocation of the suite, keyed by the scenarios it ran ({@code -Dit.test})
 * and its mode: an invocation rewrites its own section and keeps the others, so the soak of the whole suite and a
 * later soak of one scenario class stand side by side, each with the command that reproduces it.
 */
final class FaultReport {
    private static final Instant STARTED = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    private static final String TITLE = "# Fault-injection report\n\n";
    private static final String BEGIN = "<!-- fault-report section: ";
    private static final String END = "<!-- end of section -->";
    /** The scenarios of a plain run of the whole suite. */
    private static final String WHOLE_SUITE = "Fault*Test";
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
        String stalls = run.stalls().isEmpty() ? "–" : run.stalls().entrySet().stream()
                .map(e -> e.getKey() + " " + seconds(e.getValue())).collect(Collectors.joining(" / "));
        if (tallies.isEmpty()) {
            ROWS.add(row(run, "–", "–", "–", "–", "–", "–", killText, other, took, stalls, heap, fds, result));
        }
        for (Tally t : tallies) {
            written += t.written();
            missing += t.missing();
            duplicated += t.duplicated();
            ROWS.add(row(run, t.sink(), t.written(), t.indexed(), t.missing(), t.duplicated(), t.inDlq(), killText,
                    other, took, stalls, heap, fds, result));
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
                              Object duplicated, Object dlq, String kills, String other, Duration took, String stalls,
                              String heap, String fds, String result) {
        return "| " + String.join(" | ", run.scenario, run.number + "/" + run.of, Long.toString(run.seed),
                String.valueOf(sink), String.valueOf(written), String.valueOf(indexed), String.valueOf(missing),
                String.valueOf(duplicated), String.valueOf(dlq), kills, escape(other),
                took.toSeconds() + " s", stalls, heap, fds, result) + " |";
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    /** The scenarios this JVM runs, as failsafe was told them ({@code -Dit.test}, passed on to the tests). */
    private static String tests() {
        String t = System.getProperty("it.test");
        return t == null || t.isBlank() ? WHOLE_SUITE : t.trim();
    }

    /** This invocation's section key: its scenarios and its mode. */
    private static String sectionKey() {
        return tests() + ", " + FaultSettings.CURRENT.mode.name().toLowerCase(Locale.ROOT);
    }

    private static String escape(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }

    static String command() {
        FaultSettings s = FaultSettings.CURRENT;
        return "mvn -B -ntp -pl log-shipper/tools -am verify -Dit.test='" + tests() + "' -Dtest=none"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false"
                + " -Dfault.mode=" + s.mode.name().toLowerCase(Locale.ROOT) + " -Dfault.seed=" + s.seed
                + " -Dfault.report=FAULTS.md";
    }

    private static void write() {
        String section = section();
        try {
            Path always = Files.createDirectories(FaultSettings.buildDir().resolve("faults")).resolve("FAULTS.md");
            Files.write(always, (TITLE + section).getBytes(StandardCharsets.UTF_8));
            String reportPath = FaultSettings.CURRENT.reportPath;
            if (reportPath != null) {
                Path p = Path.of(reportPath);
                if (!p.isAbsolute()) {
                    p = FaultSettings.moduleDir().getParent().getParent().resolve(p);
                }
                String before = Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
                Files.write(p, merge(before, sectionKey(), section).getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the fault report", e);
        }
    }

    /**
     * {@code report} with the section {@code key} replaced by (or, when it has none, followed by) {@code section}.
     * A report written before sections existed becomes the whole suite's section.
     */
    static String merge(String report, String key, String section) {
        Map<String, String> sections = new LinkedHashMap<>();
        if (!report.isBlank() && !report.contains(BEGIN)) {
            java.util.regex.Matcher mode = java.util.regex.Pattern.compile("Mode \\*\\*(\\w+)\\*\\*").matcher(report);
            String key0 = WHOLE_SUITE + ", " + (mode.find() ? mode.group(1) : "soak");
            sections.put(key0, unsectioned(report, key0));
        }
        int at = report.indexOf(BEGIN);
        while (at >= 0) {
            int nameEnd = report.indexOf(" -->", at);
            int end = report.indexOf(END, nameEnd);
            if (nameEnd < 0 || end < 0) {
                break;
            }
            sections.put(report.substring(at + BEGIN.length(), nameEnd),
                    report.substring(report.indexOf('\n', nameEnd) + 1, end));
            at = report.indexOf(BEGIN, end);
        }
        sections.put(key, section);
        StringBuilder md = new StringBuilder(TITLE);
        md.append("Written by the `fault` test suite (`log-shipper/tools/src/test/java/io/fabstir/shipper/fault`) as "
                + "it ran; not edited by hand. One section per invocation of the suite (the scenarios it ran and its "
                + "mode); an invocation with `-Dfault.report=FAULTS.md` rewrites its own section and keeps the others.\n\n");
        sections.forEach((k, v) -> md.append(BEGIN).append(k).append(" -->\n").append(v.strip()).append("\n")
                .append(END).append("\n\n"));
        return md.toString().strip() + "\n";
    }

    /** An old single-invocation report as a section: its title becomes the section's heading. */
    private static String unsectioned(String report, String key) {
        return report.replaceFirst("^# Fault-injection report\\s*", "## `" + WHOLE_SUITE + "`"
                        + key.substring(WHOLE_SUITE.length()) + "\n\n")
                .replaceFirst("Written by the `fault` test suite \\([^)]*\\) as it ran; not edited by hand\\. ", "")
                .replace("\n## ", "\n### ");
    }

    private static String section() {
        FaultSettings s = FaultSettings.CURRENT;
        StringBuilder md = new StringBuilder();
        md.append("## `").append(tests()).append("`, ").append(s.mode.name().toLowerCase(Locale.ROOT)).append("\n\n");
        md.append("To reproduce it (same seed, so the same fault schedule):\n\n");
        md.append("```\n").append(command()).append("\n```\n\n");
        md.append("Mode **").append(s.mode.name().toLowerCase(Locale.ROOT)).append("**, suite seed ").append(s.seed)
                .append(s.seedGiven ? " (given)" : " (drawn)").append(", started ").append(STARTED).append(" on ")
                .append(Runtime.getRuntime().availableProcessors()).append(" cores, Java ")
                .append(System.getProperty("java.version")).append(", ").append(System.getProperty("os.name"))
                .append(' ').append(System.getProperty("os.version")).append(".\n\n");
        md.append("Pipeline: log writers → files → `fabstir-shipper tail` (child JVM per node) → Kafka (a child-JVM "
                + "broker; the cluster scenarios: three brokers and a controller) → `fabstir-shipper index` (child "
                + "JVMs, one consumer group) → Elasticsearch (daily indices + DLQ indices; the cluster scenarios: "
                + "three nodes); the Loki scenario adds the Loki sink (child JVM, its own group) → a Loki push "
                + "receiver.\n\n");
        md.append("Invariant of every run: each written record is stored exactly once across all daily indices, or "
                + "is in the DLQ once with a reason; where several different records share one event.id (the kill "
                + "storm writes such pairs), every one is stored, and all but one are flagged reused_event_id (no "
                + "other record is); no shipper process outlives the run; no shipper process dies "
                + "by itself; live heap (after a full GC, `jcmd GC.run` + `GC.heap_info` every 4 s) and open file "
                + "descriptors (`/proc/<pid>/fd`, every second) stay under: ");
        md.append(List.of("tail", "index", "loki").stream().map(k -> k + " " + FaultRun.mib(FaultRun.HEAP_BOUND.get(k))
                + " / " + FaultRun.FD_BOUND.get(k) + " fds").collect(Collectors.joining(", "))).append(".\n\n");
        md.append("Longest stall (where measured): the longest time the edge's count of records acknowledged by Kafka "
                + "(`fabstir_shipper_records_sent_total`), or the indexer's count of records stored "
                + "(`fabstir_indexer_records_indexed_total`), did not move while the application kept writing; "
                + "read from their `/metrics` every 200 ms.\n\n");
        md.append("Totals: ").append(runs).append(" runs, ").append(failedRuns).append(" failed, ").append(kills)
                .append(" kills, ").append(written).append(" records written, ").append(missing).append(" missing, ")
                .append(duplicated).append(" duplicated.\n\n");
        md.append("| Scenario | Run | Seed | Sink | Written | Indexed | Missing | Duplicated | DLQ | Kills | "
                + "Other faults | Duration | Longest stall | Max live heap | Max fds | Result |\n");
        md.append("|---|---|---|---|---:|---:|---:|---:|---:|---|---|---:|---|---|---|---|\n");
        ROWS.forEach(r -> md.append(r).append('\n'));
        md.append("\n### How each fault is injected\n\n");
        SCENARIOS.forEach((k, v) -> md.append("- **").append(k).append("**: ").append(v).append('\n'));
        if (!NOTES.isEmpty()) {
            md.append("\n### Failures\n\n");
            NOTES.forEach(n -> md.append(n).append('\n'));
        }
        return md.toString();
    }
}
