package io.fabstir.shipper.fault;

import io.fabstir.shipper.harness.LogWriter;
import io.fabstir.shipper.harness.ShipperProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One run's pipeline, all real processes: log writers → files → {@code tail} (one child JVM per node) → the child
 * broker → {@code index} (one or more child JVMs in one consumer group) → Elasticsearch, with the run's own topic,
 * group and index names. Scenarios kill and revive its parts; {@link #settle(Duration)} waits for the pipeline to
 * deliver everything and counts where every record went; {@link #shutdown()} kills whatever still runs.
 */
final class Pipeline {
    /** A part of the pipeline that a scenario can kill and bring back. */
    enum Part { TAIL, INDEX, BROKER }

    final FaultRun run;
    final Services services;
    final Ledger ledger;
    final String topic;
    final String dlqTopic;
    final String group;
    final String dataWildcard;
    final String dlqWildcard;
    private final String indexPattern;
    private final String dlqPattern;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Member> indexers = new ArrayList<>();
    private final List<Member> others = new ArrayList<>();
    private final List<ShipperProcess> started = new CopyOnWriteArrayList<>();
    private final Map<String, Integer> kills = new LinkedHashMap<>();
    private final List<String> crashes = new CopyOnWriteArrayList<>();
    private final ResourceSampler sampler;
    private StallWatch stalls;
    private java.util.function.BooleanSupplier othersSettled = () -> true;
    private int sources;
    private boolean closed;

    /** One edge host: its log folder, writers, checkpoint and {@code tail} process. */
    final class Node {
        final String id;
        final Path dir;
        final Path logs;
        final Path checkpoint;
        final List<String> globs = new ArrayList<>();
        final List<LogWriter> writers = new ArrayList<>();
        ShipperProcess tail;
        int starts;
        int metricsPort;

        Node(String id, Path dir) throws IOException {
            this.id = id;
            this.dir = dir;
            this.logs = Files.createDirectories(dir.resolve("logs"));
            this.checkpoint = dir.resolve("state").resolve("checkpoint.json");
        }
    }

    /** A consumer-group member (an indexer or another sink) launched from a fixed argument list. */
    static final class Member {
        final String name;
        final List<String> args;
        final Path log;
        final Class<?> main;
        final String heap;
        ShipperProcess process;
        int starts;
        boolean retired;

        Member(String name, Class<?> main, String heap, List<String> args, Path log) {
            this.name = name;
            this.main = main;
            this.heap = heap;
            this.args = args;
            this.log = log;
        }
    }

    private Pipeline(FaultRun run, int partitions, Services services) throws IOException {
        this.run = run;
        this.services = services;
        this.ledger = new Ledger(run.tag);
        this.topic = "fault." + run.tag;
        this.dlqTopic = topic + ".dlq";
        this.group = "fault-es-" + run.tag;
        this.indexPattern = "fabstir-logs-" + run.tag + "-{yyyy.MM.dd}";
        this.dlqPattern = "fabstir-logs-dlq-" + run.tag + "-{yyyy.MM.dd}";
        this.dataWildcard = "fabstir-logs-" + run.tag + "-*";
        this.dlqWildcard = "fabstir-logs-dlq-" + run.tag + "-*";
        services.createTopic(topic, partitions);
        services.createTopic(dlqTopic, 1);
        this.sampler = new ResourceSampler(this::liveProcesses, run.dir);
    }

    static Pipeline start(FaultRun run, int partitions, Services services) throws IOException {
        return new Pipeline(run, partitions, services);
    }

    /**
     * From now on every {@code tail} and {@code index} started serves {@code /metrics}, and {@link StallWatch} follows
     * their counters of acknowledged and indexed records: the longest stall of each goes into the report.
     */
    void watchStalls() {
        if (stalls == null) {
            stalls = new StallWatch();
        }
    }

    // ---- edge ------------------------------------------------------------------------------------------------

    /** Adds an edge host (not started yet). */
    Node node(String id) throws IOException {
        Node n = new Node(id, Files.createDirectories(run.dir.resolve(id)));
        nodes.add(n);
        return n;
    }

    /** Makes line {@code n} of a writer given its token. */
    @FunctionalInterface
    interface LineMaker {
        LogWriter.Line line(long n, String token);
    }

    /** Starts a writer on {@code file} in the node's log folder; {@code options} sets rotation and such. */
    LogWriter write(Node node, String file, int rate, LineMaker lines, Consumer<LogWriter.Builder> options)
            throws IOException {
        int source = sources++;
        Path f = node.logs.resolve(file);
        if (!Files.exists(f)) {
            Files.createFile(f);
        }
        LogWriter.Builder b = LogWriter.builder(f).rate(rate).lines(n -> lines.line(n, ledger.token(source, n)));
        options.accept(b);
        LogWriter w = b.build();
        node.writers.add(w);
        ledger.add(w);
        return w.start();
    }

    /** A token for a value produced to Kafka directly (not through a file), recorded as written. */
    String producedToken(int producer, long n) {
        String t = ledger.token(1000 + producer, n);
        ledger.produced(t);
        return t;
    }

    void startTail(Node n) throws IOException {
        List<String> args = ShipperProcess.tailArgs(n.id, n.id + ".fault", services.bootstrap(), topic, n.checkpoint,
                n.globs);
        args.addAll(services.tailArgs());
        if (stalls != null) {
            if (n.metricsPort == 0) {
                n.metricsPort = StallWatch.freePort();
                stalls.watch("edge" + (nodes.size() > 1 ? " " + n.id : ""), n.metricsPort, StallWatch.EDGE_ACKED);
            }
            args.addAll(List.of("--metrics-port", Integer.toString(n.metricsPort)));
        }
        n.tail = launch(ShipperProcess.builder("tail-" + n.id + "-" + (++n.starts)).heap("192m").args(args)
                .log(n.dir.resolve("tail.log")));
    }

    void stopWriters() throws Exception {
        for (Node n : nodes) {
            for (LogWriter w : n.writers) {
                w.close();
            }
        }
    }

    // ---- central ---------------------------------------------------------------------------------------------

    /** Adds and starts an indexer in the run's group. */
    Member startIndexer() throws IOException {
        List<String> args = new ArrayList<>(List.of("index",
                "--bootstrap-servers", services.bootstrap(), "--es-hosts", String.join(",", services.esUrls()),
                "--topic", topic, "--dlq-topic", dlqTopic, "--group-id", group,
                "--index-pattern", indexPattern, "--dlq-index-pattern", dlqPattern,
                "--install-templates", "false", "--bulk-max-operations", "500"));
        args.addAll(services.indexArgs());
        if (stalls != null) {
            int metricsPort = StallWatch.freePort();
            stalls.watch("indexer" + (indexers.isEmpty() ? "" : " " + indexers.size()), metricsPort,
                    StallWatch.INDEXED);
            args.addAll(List.of("--metrics-port", Integer.toString(metricsPort)));
        }
        Member m = new Member("index-" + indexers.size(), io.fabstir.shipper.harness.ShipperMain.class, "256m", args,
                run.dir.resolve("index-" + indexers.size() + ".log"));
        indexers.add(m);
        startMember(m);
        return m;
    }

    /** Adds and starts another member (the Loki sink) that settles with the pipeline. */
    Member startOther(String name, Class<?> main, String heap, List<String> args) throws IOException {
        Member m = new Member(name, main, heap, args, run.dir.resolve(name + ".log"));
        others.add(m);
        startMember(m);
        return m;
    }

    List<Member> indexers() {
        return indexers;
    }

    private void startMember(Member m) throws IOException {
        m.process = launch(ShipperProcess.builder(m.name + "-" + (++m.starts)).main(m.main).heap(m.heap)
                .args(m.args).log(m.log));
    }

    private ShipperProcess launch(ShipperProcess.Builder b) throws IOException {
        ShipperProcess p = b.start();
        started.add(p);
        return p;
    }

    /**
     * Waits until records flow from end to end (every watched edge and indexer has moved its counter), so that a
     * fault injected next hits a pipeline under load rather than one still starting.
     */
    void awaitFlowing(Duration timeout) throws InterruptedException {
        if (stalls == null) {
            throw new IllegalStateException("watchStalls() first");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stalls.allMoving()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("records did not flow from the edge to Elasticsearch within " + timeout);
            }
            Thread.sleep(200);
        }
    }

    /**
     * How the edge and the indexer took a fault that began at {@code at} (System.nanoTime) and lasted until
     * {@code until}: for each, the longest stall that began from then until the fault ended, with its start and end
     * relative to the fault's start ("edge 30.1 s (+0.2 → +30.3 s)"), or "no stall" when none reached a second.
     */
    String stallsOf(long at, long until) {
        if (stalls == null) {
            return "";
        }
        Map<String, long[]> found = stalls.stallsBeginningBetween(at, until);
        List<String> out = new ArrayList<>();
        for (String name : stalls.longest().keySet()) {
            long[] g = found.get(name);
            out.add(g == null ? name + " no stall ≥ 1 s" : String.format(java.util.Locale.ROOT,
                    "%s %.1f s (+%.1f → +%.1f s)", name, (g[1] - g[0]) / 1e9, (g[0] - at) / 1e9, (g[1] - at) / 1e9));
        }
        return String.join(", ", out);
    }

    // ---- faults ----------------------------------------------------------------------------------------------

    /** SIGKILL of a node's tail, an indexer (by index in {@link #indexers()}), another member, or the broker. */
    void kill(Part part, int which) throws InterruptedException {
        switch (part) {
            case TAIL -> kill9(nodes.get(which).tail);
            case INDEX -> kill9(indexers.get(which).process);
            case BROKER -> services.killBroker();
        }
        count(part.name().toLowerCase(java.util.Locale.ROOT));
    }

    void killOther(Member m) throws InterruptedException {
        kill9(m.process);
        count(m.name.replaceAll("-\\d+$", ""));
    }

    void count(String fault) {
        kills.merge(fault, 1, Integer::sum);
    }

    private void kill9(ShipperProcess p) throws InterruptedException {
        noteCrash(p);
        p.kill9();
    }

    /** Starts the part again (a no-op when it runs). */
    void revive(Part part, int which) throws IOException {
        switch (part) {
            case TAIL -> {
                Node n = nodes.get(which);
                if (n.tail == null || !n.tail.alive()) {
                    noteCrash(n.tail);
                    startTail(n);
                }
            }
            case INDEX -> reviveMember(indexers.get(which));
            case BROKER -> services.startBroker();
        }
    }

    void reviveMember(Member m) throws IOException {
        if (m.process == null || !m.process.alive()) {
            noteCrash(m.process);
            startMember(m);
        }
    }

    /** An indexer that is killed for good (the rebalance scenario): settling does not bring it back. */
    void retire(Member m) {
        m.retired = true;
    }

    private void noteCrash(ShipperProcess p) {
        if (p != null && p.exitedByItself() && !crashes.contains(p.toString())) {
            crashes.add(p + " exited by itself; its log ends:\n" + p.logTail(30));
        }
    }

    Map<String, Integer> kills() {
        return kills;
    }

    List<String> crashes() {
        started.forEach(this::noteCrash);
        return crashes;
    }

    ResourceSampler sampler() {
        return sampler;
    }

    private List<ShipperProcess> liveProcesses() {
        return started.stream().filter(ShipperProcess::alive).toList();
    }

    // ---- settling --------------------------------------------------------------------------------------------

    /** Everything killed comes back (except retired members), then waits for all records to be delivered. */
    Tally settle(Duration timeout) throws Exception {
        services.ensureUp();
        for (int i = 0; i < nodes.size(); i++) {
            revive(Part.TAIL, i);
        }
        for (Member m : indexers) {
            if (!m.retired) {
                reviveMember(m);
            }
        }
        for (Member m : others) {
            reviveMember(m);
        }
        sampler.sampleNow();
        long deadline = System.nanoTime() + timeout.toNanos();
        int want = ledger.written().size();
        long last = -1;
        long lastProgress = System.nanoTime();
        while (System.nanoTime() - deadline < 0) {
            long n = Math.max(0, services.probe.count(dataWildcard)) + Math.max(0, services.probe.count(dlqWildcard));
            if (n != last) {
                last = n;
                lastProgress = System.nanoTime();
            }
            if (n >= want && services.caughtUp(group, topic) && othersCaughtUp() && tally().missing() == 0) {
                return finalTally();
            }
            if (System.nanoTime() - lastProgress > Duration.ofSeconds(90).toNanos()) {
                break; // nothing moves any more: count what is there
            }
            Thread.sleep(1000);
        }
        return finalTally();
    }

    /** Settling also waits until {@code settled} holds (a sink with its own consumer group). */
    void alsoWaitFor(java.util.function.BooleanSupplier settled) {
        this.othersSettled = settled;
    }

    private boolean othersCaughtUp() {
        return othersSettled.getAsBoolean();
    }

    /** Counts the run's records in its own indices (cheap enough to poll). */
    Tally tally() throws IOException, InterruptedException {
        return Verifier.elasticsearch(services.probe, dataWildcard + "," + dlqWildcard, "fabstir-logs-dlq-", ledger);
    }

    /** Counts the run's records in every {@code fabstir-logs-*} index there is, DLQ indices included. */
    Tally finalTally() throws IOException, InterruptedException {
        return Verifier.elasticsearch(services.probe, "fabstir-logs-*", "fabstir-logs-dlq-", ledger);
    }

    /** Drops the run's indices (after a run that held: they would only slow the next scans down). */
    void dropIndices() throws IOException, InterruptedException {
        services.probe.delete(dataWildcard + "," + dlqWildcard);
    }

    /**
     * Stops the writers and every process of the run (SIGKILL: nothing is left to flush, the records are counted),
     * and brings the services back for the next run. Returns what still runs afterwards, which must be nothing.
     */
    List<String> shutdown() throws Exception {
        if (closed) {
            return List.of();
        }
        closed = true;
        try {
            stopWriters();
        } finally {
            sampler.close();
            if (stalls != null) {
                stalls.close();
                stalls.longest().forEach(run::stall);
            }
            for (ShipperProcess p : started) {
                noteCrash(p);
                p.close();
            }
            services.ensureUp();
        }
        List<String> left = new ArrayList<>();
        started.stream().filter(ShipperProcess::alive).forEach(p -> left.add(p.toString()));
        Services.shipperDescendants().forEach(h -> left.add("pid " + h.pid() + " " + h.info().commandLine()
                .map(c -> c.length() > 200 ? c.substring(c.length() - 200) : c).orElse("?")));
        return left;
    }
}
