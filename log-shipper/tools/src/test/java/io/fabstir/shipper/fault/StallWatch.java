package io.fabstir.shipper.fault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * How long the pipeline stood still: every 200 ms it reads a progress counter from each watched process's
 * {@code /metrics} (the edge's records acknowledged by Kafka, the indexer's records stored), and keeps the longest
 * time between two moves of it. Time before the first move (start-up) and after the last one (nothing left to do)
 * is not a stall; a restarted process's counter starting again from zero counts as a move. The scenarios write at a
 * steady rate throughout, so in a healthy pipeline the counters move several times a second and a long interval
 * is the time a fault held the records up.
 */
final class StallWatch implements AutoCloseable {
    /** {@code tail}: records Kafka acknowledged (acks=all: in sync on every replica the ISR requires). */
    static final String EDGE_ACKED = "fabstir_shipper_records_sent_total";
    /** {@code index}: records Elasticsearch stored. */
    static final String INDEXED = "fabstir_indexer_records_indexed_total";
    private static final Duration PERIOD = Duration.ofMillis(200);

    /** One watched counter. */
    private static final class Series {
        final String name;
        final URI metrics;
        final String counter;
        volatile double last = Double.NaN;
        volatile long lastMove;
        volatile long longest;
        /** Every interval of a second or more without a move: {from, to} in nanoTime. */
        final List<long[]> gaps = new CopyOnWriteArrayList<>();

        Series(String name, int port, String counter) {
            this.name = name;
            this.metrics = URI.create("http://127.0.0.1:" + port + "/metrics");
            this.counter = counter;
        }

        void observe(double value, long now) {
            if (Double.isNaN(last)) {
                last = value;
                return;
            }
            if (value != last) {
                if (lastMove != 0) {
                    longest = Math.max(longest, now - lastMove);
                    if (now - lastMove >= 1_000_000_000L) {
                        gaps.add(new long[] {lastMove, now});
                    }
                }
                lastMove = now;
                last = value;
            }
        }
    }

    private final List<Series> series = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();
    private final Thread thread;
    private volatile boolean stop;

    StallWatch() {
        thread = new Thread(this::run, "stall-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /** Follows {@code counter} on the {@code /metrics} of the process serving {@code port} as {@code name}. */
    void watch(String name, int port, String counter) {
        series.add(new Series(name, port, counter));
    }

    /**
     * For each watched process, the longest stall that began between {@code from} (less a second: its last move may
     * just precede the fault) and {@code to} (System.nanoTime),
     * as {@code {from, to}}; absent when it did not stall for a second or more then.
     */
    Map<String, long[]> stallsBeginningBetween(long from, long to) {
        Map<String, long[]> out = new LinkedHashMap<>();
        for (Series s : series) {
            s.gaps.stream().filter(g -> g[0] - from >= -1_000_000_000L && g[0] - to <= 0)
                    .max(java.util.Comparator.comparingLong(g -> g[1] - g[0])).ifPresent(g -> out.put(s.name, g));
        }
        return out;
    }

    /** Whether every watched counter has moved at least once (the pipeline is flowing end to end). */
    boolean allMoving() {
        return !series.isEmpty() && series.stream().allMatch(s -> s.lastMove != 0);
    }

    /** The longest stall of each watched process, by name. */
    Map<String, Duration> longest() {
        Map<String, Duration> out = new LinkedHashMap<>();
        series.forEach(s -> out.put(s.name, Duration.ofNanos(s.longest)));
        return out;
    }

    private void run() {
        while (!stop) {
            for (Series s : series) {
                double v = read(s);
                if (!Double.isNaN(v)) {
                    s.observe(v, System.nanoTime());
                }
            }
            try {
                Thread.sleep(PERIOD.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The counter's value (summed over its labels), or NaN while the process does not answer. */
    private double read(Series s) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(s.metrics).timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? sum(r.body(), s.counter) : Double.NaN;
        } catch (IOException e) {
            return Double.NaN; // not started yet, or killed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** Sum of a counter's samples in the Prometheus text format; NaN when it is absent. */
    static double sum(String exposition, String counter) {
        double total = 0;
        boolean found = false;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(counter) && line.length() > counter.length()
                    && (line.charAt(counter.length()) == '{' || line.charAt(counter.length()) == ' ')) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                found = true;
            }
        }
        return found ? total : Double.NaN;
    }

    /** A loopback port nobody listens on now, for a process's {@code --metrics-port}. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop = true;
        thread.interrupt();
        thread.join(5000);
    }
}
