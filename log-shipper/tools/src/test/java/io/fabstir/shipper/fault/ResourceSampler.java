package io.fabstir.shipper.fault;

import io.fabstir.shipper.harness.ShipperProcess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Samples the shipper child processes while a scenario runs: open file descriptors ({@code /proc/<pid>/fd}) every
 * second, and the live heap every few seconds ({@code jcmd <pid> GC.run} then {@code GC.heap_info}, so the figure is
 * what survives a full collection: a leak shows, garbage waiting for the next GC does not). Maxima are kept per kind
 * of process (tail, index, loki).
 */
final class ResourceSampler implements AutoCloseable {
    private static final Pattern USED = Pattern.compile("generation\\s+total\\s+\\d+K, used (\\d+)K");
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    /** The highest figures seen for one kind of process. */
    static final class Peak {
        volatile long heapBytes;
        volatile int fds;
        volatile int heapSamples;

        synchronized void heap(long bytes) {
            if (bytes > 0) {
                heapBytes = Math.max(heapBytes, bytes);
                heapSamples++;
            }
        }

        synchronized void fds(int open) {
            if (open > 0) {
                fds = Math.max(fds, open);
            }
        }
    }

    private final Supplier<List<ShipperProcess>> processes;
    private final Map<String, Peak> peaks = new ConcurrentHashMap<>();
    private final List<String> problems = new CopyOnWriteArrayList<>();
    private final Path commands;
    private final Thread thread;
    private volatile boolean stop;

    ResourceSampler(Supplier<List<ShipperProcess>> processes, Path workDir) throws IOException {
        this.processes = processes;
        this.commands = Files.writeString(workDir.resolve("jcmd-heap.txt"), "GC.run\nGC.heap_info\n");
        this.thread = new Thread(this::run, "resource-sampler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Peak per kind: the part of a process name before its first '-' ("tail-0" counts as "tail"). */
    Map<String, Peak> peaks() {
        return peaks;
    }

    Peak peak(String kind) {
        return peaks.computeIfAbsent(kind, k -> new Peak());
    }

    private void run() {
        int round = 0;
        while (!stop) {
            boolean heapRound = round++ % 4 == 0;
            for (ShipperProcess p : processes.get()) {
                if (!p.alive()) {
                    continue;
                }
                Peak peak = peak(kind(p));
                peak.fds(fds(p.pid()));
                if (heapRound) {
                    peak.heap(liveHeap(p.pid()));
                }
            }
            sleep(1000);
        }
    }

    /** Takes one heap sample of every live process now (so even a short run has figures). */
    void sampleNow() {
        for (ShipperProcess p : processes.get()) {
            if (p.alive()) {
                Peak peak = peak(kind(p));
                peak.heap(liveHeap(p.pid()));
                peak.fds(fds(p.pid()));
            }
        }
    }

    static String kind(ShipperProcess p) {
        int dash = p.name().indexOf('-');
        return dash < 0 ? p.name() : p.name().substring(0, dash);
    }

    private static int fds(long pid) {
        try (Stream<Path> s = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) s.count();
        } catch (IOException | RuntimeException e) {
            return -1; // exited meanwhile
        }
    }

    /** Bytes in use in the Java heap right after a full GC; -1 when the process could not be asked. */
    private long liveHeap(long pid) {
        try {
            Process jcmd = new ProcessBuilder(JCMD.toString(), Long.toString(pid), "-f", commands.toString())
                    .redirectErrorStream(true).start();
            String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!jcmd.waitFor(30, TimeUnit.SECONDS)) {
                jcmd.destroyForcibly();
                return -1;
            }
            long used = 0;
            Matcher m = USED.matcher(out);
            boolean any = false;
            while (m.find()) {
                used += Long.parseLong(m.group(1)) * 1024;
                any = true;
            }
            if (!any && problems.size() < 5) {
                problems.add("jcmd " + pid + ": " + out.strip().lines().limit(3).toList());
            }
            return any ? used : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** Answers of jcmd that could not be read (attach refused while the target was exiting, and such). */
    List<String> problems() {
        return problems;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.join(60_000);
    }
}
