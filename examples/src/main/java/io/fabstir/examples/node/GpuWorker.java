package io.fabstir.examples.node;

import io.fabstir.otel.events.ContextLogger;
import io.fabstir.otel.events.FabstirEvents;
import io.fabstir.otel.events.PerfEvents;
import io.fabstir.otel.telemetry.FabstirTelemetry;
import io.fabstir.otel.telemetry.Job;
import io.opentelemetry.context.Scope;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * One simulated GPU taking inference jobs one at a time until told to stop. Each job runs in its own
 * {@code job.process} span, so every record it logs carries the job's {@code trace.id}.
 */
final class GpuWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger("fabstir.node.inference");
    /** Models that fit in GPU memory at once; a job for another one evicts the least recently used. */
    private static final int RESIDENT_MODELS = 2;
    private static final double GIB = 1024.0 * 1024 * 1024;

    private enum Failure { OUT_OF_MEMORY, CONTEXT_TOO_LONG, UPLOAD_RESET }

    private final int gpu;
    private final FabstirTelemetry telemetry;
    private final NodeState state;
    private final SplittableRandom random;
    private final double failureRate;
    private final String runTag;
    private final AtomicLong sequence;
    private final BooleanSupplier stopping;
    private final Deque<String> resident = new ArrayDeque<>();

    GpuWorker(int gpu, FabstirTelemetry telemetry, NodeState state, SplittableRandom random, double failureRate,
              String runTag, AtomicLong sequence, BooleanSupplier stopping) {
        this.gpu = gpu;
        this.telemetry = telemetry;
        this.state = state;
        this.random = random;
        this.failureRate = failureRate;
        this.runTag = runTag;
        this.sequence = sequence;
        this.stopping = stopping;
    }

    @Override
    public void run() {
        while (!stopping.getAsBoolean()) {
            process(Model.pick(random));
            Work.sleep(random.nextLong(50, 400)); // waiting for the scheduler's next job
        }
    }

    private void process(Model model) {
        String id = String.format(Locale.ROOT, "job-%s-%05d", runTag, sequence.incrementAndGet());
        int tokens = random.nextInt(model.minTokens(), model.maxTokens() + 1);
        Failure failure = random.nextDouble() < failureRate
                ? Failure.values()[random.nextInt(Failure.values().length)] : null;
        state.jobsStarted.incrementAndGet();
        Job job = telemetry.jobs().onJobStarted(id, model.name());
        long start = System.nanoTime();
        ContextLogger jobLog = FabstirEvents.context(log).with("fabstir.job.id", id).with("fabstir.job.gpu_index", gpu);
        PerfEvents perf = jobLog.perf().label("model", model.name()).label("gpu", Integer.toString(gpu));
        // The scope stays open through the catch, so the failure record carries the job's trace.id too.
        try (Scope scope = job.makeCurrent()) {
            try {
                jobLog.job().started(id, model.name());
                ensureLoaded(model, jobLog, perf);
                Work.timed(perf, "prompt.tokenize", () -> {
                    Work.sleep(random.nextLong(2, 15));
                    if (failure == Failure.CONTEXT_TOO_LONG) {
                        throw new IllegalArgumentException("prompt of " + (8192 + random.nextInt(4000))
                                + " tokens exceeds the 8192-token context window of " + model.name());
                    }
                });
                jobLog.info("generating up to {} tokens with {} on GPU {}", tokens, model.name(), gpu);
                Work.timed(perf, "inference", () -> {
                    long ms = (long) (tokens * model.millisPerToken() * (0.8 + random.nextDouble() * 0.5));
                    if (failure == Failure.OUT_OF_MEMORY) {
                        Work.sleep(ms / 3);
                        throw new CudaOutOfMemoryException(String.format(Locale.ROOT,
                                "CUDA out of memory. Tried to allocate %.2f GiB (GPU %d; 23.65 GiB total capacity; "
                                        + "%.2f GiB already allocated)",
                                tokens * 2.1e6 / GIB, gpu, 21.0 + random.nextDouble() * 2));
                    }
                    Work.sleep(ms);
                });
                Work.timed(perf, "result.upload", () -> {
                    // Now and then the client's network is slow: these show in the slow-operations search.
                    Work.sleep(random.nextDouble() < 0.04 ? random.nextLong(1_100, 1_800) : random.nextLong(10, 120));
                    if (failure == Failure.UPLOAD_RESET) {
                        throw new UncheckedIOException(new IOException(
                                "connection reset by peer while streaming the result of " + id));
                    }
                });
                Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
                job.tokensUsed(tokens).complete();
                jobLog.job().completed(id, model.name(), tokens, elapsed);
                double earned = tokens / 1000.0 * model.ethPerKiloToken();
                state.earnedEth.add(earned);
                state.unclaimedEth.add(earned);
            } catch (RuntimeException e) {
                state.jobsFailed.incrementAndGet();
                job.fail(e);
                jobLog.job().failed(id, model.name(), e, Duration.ofNanos(System.nanoTime() - start));
            }
        }
    }

    private void ensureLoaded(Model model, ContextLogger jobLog, PerfEvents perf) {
        if (resident.remove(model.name())) {
            resident.addFirst(model.name());
            return;
        }
        while (resident.size() >= RESIDENT_MODELS) {
            jobLog.info("evicting {} from GPU {} to make room for {}", resident.removeLast(), gpu, model.name());
        }
        jobLog.info("loading {} weights onto GPU {}", model.name(), gpu);
        Work.timed(perf, "model.load",
                () -> Work.sleep((long) (model.loadMillis() * (0.85 + random.nextDouble() * 0.4))));
        resident.addFirst(model.name());
    }
}
