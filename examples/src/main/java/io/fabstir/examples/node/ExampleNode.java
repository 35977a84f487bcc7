package io.fabstir.examples.node;

import ch.qos.logback.classic.LoggerContext;
import io.fabstir.otel.health.HealthResult;
import io.fabstir.otel.telemetry.FabstirTelemetry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A simulated Fabstir GPU node, instrumented exactly as an operator instruments a real one: started under
 * {@code -javaagent:fabstir-otel-agent.jar}, logging through the Fabstir include in its {@code logback.xml}, and
 * calling the public event ({@code FabstirEvents}) and telemetry ({@code FabstirTelemetry}) APIs. It serves
 * inference jobs on a few simulated GPUs (several models, variable durations, a realistic failure rate), performs
 * the operator's audited actions (register, stake, withdraw, claim, reprice), times every step, and now and then
 * hits an exception.
 *
 * <pre>
 * java -javaagent:otel-agent/target/fabstir-otel-agent.jar -Dfabstir.log.dir=logs \
 *      -jar examples/target/fabstir-example-node.jar --duration 60s
 * </pre>
 */
public final class ExampleNode {
    private static final long DRAIN_MILLIS = 5_000;

    private final NodeOptions options;
    private final FabstirTelemetry telemetry;
    private final Logger log = LoggerFactory.getLogger("fabstir.node");
    private final NodeState state = new NodeState();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean shutdownStarted = new AtomicBoolean();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private final long startNanos = System.nanoTime();

    private ExampleNode(NodeOptions options, FabstirTelemetry telemetry) {
        this.options = options;
        this.telemetry = telemetry;
    }

    public static void main(String[] args) throws InterruptedException {
        NodeOptions options;
        try {
            options = NodeOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("fabstir-example-node: " + e.getMessage());
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(NodeOptions.USAGE);
            return;
        }
        if (!FabstirTelemetry.agentPresent()) {
            // The jar carries only the OpenTelemetry API: the SDK, exporters and /metrics come with the agent.
            System.err.println("fabstir-example-node: start it under the Fabstir agent, e.g. java "
                    + "-javaagent:otel-agent/target/fabstir-otel-agent.jar -jar examples/target/fabstir-example-node.jar"
                    + " (build both with: mvn -B -ntp -DskipTests install)");
            System.exit(2);
            return;
        }
        ExampleNode node = new ExampleNode(options, FabstirTelemetry.install());
        Runtime.getRuntime().addShutdownHook(new Thread(() -> node.shutdown("JVM shutdown"), "node-shutdown"));
        if (options.exitOnStdinEof()) {
            ParentWatch.start(System.in, () -> {
                node.log.warn("stdin closed: the parent process is gone, stopping");
                System.exit(0);
            });
        }
        node.run();
        System.exit(0);
    }

    private void run() throws InterruptedException {
        String runTag = String.format(Locale.ROOT, "%04x", (int) (options.seed() & 0xffff));
        log.info("node starting: {} GPU workers, failure rate {}, seed {} (--seed {} repeats this run), {}",
                options.workers(), options.failureRate(), options.seed(), options.seed(),
                options.duration() == null ? "until stopped" : "for " + options.duration().toSeconds() + " s");
        for (Injection i : options.injections()) {
            log.warn("injecting {} from {} s into the run", i.kind().option(), i.at().toSeconds());
        }
        telemetry.node()
                .earningsEth("ETH", state.earnedEth::sum)
                .stakingBalanceEth(() -> state.stakedEth)
                .peersConnected(state.peers::get)
                .reputationScore(this::reputation)
                .gasPriceGwei(this::gasPriceGwei);
        telemetry.health().register("chain",
                () -> state.chainUp() ? HealthResult.healthy() : HealthResult.unhealthy("chain RPC timed out"));

        SplittableRandom seeds = new SplittableRandom(options.seed());
        AtomicLong sequence = new AtomicLong();
        threads.add(new Thread(new OperatorActivity(state, seeds.split(), stopping::get), "operator"));
        for (int gpu = 0; gpu < options.workers(); gpu++) {
            threads.add(new Thread(new GpuWorker(gpu, telemetry, state, seeds.split(), options.failureRate(), runTag,
                    sequence, stopping::get), "gpu-" + gpu));
        }
        threads.forEach(Thread::start);
        if (options.duration() == null) {
            stopRequested.await();
        } else if (!stopRequested.await(options.duration().toMillis(), TimeUnit.MILLISECONDS)) {
            log.info("ran for {} s: finishing the jobs in progress", options.duration().toSeconds());
        }
        shutdown("run ended");
    }

    /** The simulated gas price, or the spike an {@code --inject gas-spike|gas-flap} puts in its place. */
    private double gasPriceGwei() {
        long since = sinceStartMillis();
        for (Injection i : options.injections()) {
            if ((i.kind() == Injection.Kind.GAS_SPIKE || i.kind() == Injection.Kind.GAS_FLAP) && i.activeAt(since)) {
                return Injection.SPIKE_GWEI;
            }
        }
        return state.gasPriceGwei;
    }

    private double reputation() {
        long since = sinceStartMillis();
        double r = state.reputation;
        for (Injection i : options.injections()) {
            if (i.kind() == Injection.Kind.REPUTATION_DROP && i.activeAt(since)) {
                r -= Injection.REPUTATION_DROP;
            }
        }
        return Math.max(0, r);
    }

    private long sinceStartMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Lets the jobs in progress finish, logs the summary and flushes the log file; safe to call twice. */
    private void shutdown(String reason) {
        if (!shutdownStarted.compareAndSet(false, true)) {
            try {
                stopped.await(DRAIN_MILLIS + 5_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        stopping.set(true);
        stopRequested.countDown();
        long deadline = System.currentTimeMillis() + DRAIN_MILLIS;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, deadline - System.currentTimeMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.info("node stopped ({}): {} jobs, {} failed, {} ETH earned", reason, state.jobsStarted.get(),
                state.jobsFailed.get(), String.format(Locale.ROOT, "%.6f", state.earnedEth.sum()));
        // The file appender is asynchronous: stopping Logback drains its queue, so no record of the run is lost.
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
        stopped.countDown();
    }
}
