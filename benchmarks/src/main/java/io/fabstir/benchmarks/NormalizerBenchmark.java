package io.fabstir.benchmarks;

import io.fabstir.shipper.normalize.Normalized;
import io.fabstir.shipper.normalize.RecordNormalizer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The indexer's fast path: {@code RecordNormalizer.normalize} on a clean record as the edge ships it (the encoder's
 * line plus the edge's fields), which is accepted by the streaming check and keeps its own bytes. Run with
 * {@code -prof gc} for the bytes allocated per record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class NormalizerBenchmark {
    private RecordNormalizer normalizer;
    private byte[] value;
    private long kafkaTimestamp;

    @Setup
    public void setUp() {
        normalizer = RecordNormalizer.defaults();
        Instant now = Instant.now();
        String ts = now.toString();
        String micros = ts.substring(0, 19) + "." + String.format("%06d", now.getNano() / 1000) + "Z";
        value = ("{\"@timestamp\":\"" + micros + "\",\"log.level\":\"INFO\",\"message\":\"job job-1f3b-0000123 completed"
                + " (model llama-3.1-8b-instruct): 1834 tokens in 4213 ms on GPU 1\",\"log.logger\":"
                + "\"io.fabstir.node.jobs.JobRunner\",\"process.thread.name\":\"gpu-worker-1\",\"service.name\":"
                + "\"fabstir-node\",\"service.version\":\"1.4.2\",\"event.id\":\"01JEX4Q5RZ8K2M3N4P5Q6R7S8T\","
                + "\"event.dataset\":\"fabstir.job\",\"event.action\":\"job.completed\",\"event.outcome\":\"success\","
                + "\"event.duration\":4213000000,\"fabstir.job.id\":\"job-1f3b-0000123\",\"fabstir.job.model\":"
                + "\"llama-3.1-8b-instruct\",\"fabstir.job.tokens_used\":1834,\"fabstir.job.prompt_tokens\":412,"
                + "\"fabstir.gpu.index\":1,\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span.id\":"
                + "\"00f067aa0ba902b7\",\"log.file.path\":\"/var/log/fabstir/node.json\",\"log.offset\":123456789,"
                + "\"host.name\":\"gpu-host-1\",\"fabstir.node_id\":\"node-7\",\"deployment.environment\":\"production\"}")
                .getBytes(StandardCharsets.UTF_8);
        kafkaTimestamp = now.toEpochMilli();
        if (!(normalizer.normalize(value, "fabstir.logs", 0, 0, kafkaTimestamp) instanceof Normalized.Document d)
                || d.source() != value) {
            throw new IllegalStateException("the record did not take the fast path");
        }
    }

    @Benchmark
    public Normalized normalize() {
        return normalizer.normalize(value, "fabstir.logs", 0, 42, kafkaTimestamp);
    }
}
