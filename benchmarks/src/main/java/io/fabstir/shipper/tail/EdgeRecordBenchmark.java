package io.fabstir.shipper.tail;

import io.fabstir.enrichers.EnricherChain;
import io.fabstir.shipper.metrics.ShipperMetrics;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The edge's per-record path: one line's bytes to its Kafka value ({@code RecordShaper.shape}: decode, position,
 * enrich with host/node/environment, redaction on, serialise), as {@code tail} runs it. {@code line=encoder} is the
 * Fabstir encoder's own line (own {@code event.id}, canonical {@code @timestamp}); {@code line=noEventId} is the same
 * line without its id, which every build takes through the full chain (an id is derived). Run with
 * {@code -prof gc} for the bytes allocated per record; {@code benchmarks/bench/hotpath-gc.sh} runs it on this tree
 * and on an earlier commit.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EdgeRecordBenchmark {
    static final String LINE = "{\"@timestamp\":\"2026-12-06T04:33:15.123456Z\",\"log.level\":\"INFO\","
            + "\"message\":\"job job-1f3b-0000123 completed (model llama-3.1-8b-instruct): 1834 tokens in 4213 ms on"
            + " GPU 1\",\"log.logger\":\"io.fabstir.node.jobs.JobRunner\",\"process.thread.name\":\"gpu-worker-1\","
            + "\"service.name\":\"fabstir-node\",\"service.version\":\"1.4.2\",\"event.id\":\"01JEX4Q5RZ8K2M3N4P5Q6R7S8T\","
            + "\"event.dataset\":\"fabstir.job\",\"event.action\":\"job.completed\",\"event.outcome\":\"success\","
            + "\"event.duration\":4213000000,\"fabstir.job.id\":\"job-1f3b-0000123\",\"fabstir.job.model\":"
            + "\"llama-3.1-8b-instruct\",\"fabstir.job.tokens_used\":1834,\"fabstir.job.prompt_tokens\":412,"
            + "\"fabstir.gpu.index\":1,\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span.id\":\"00f067aa0ba902b7\"}";

    @Param({"encoder", "noEventId"})
    public String line;

    private RecordShaper shaper;
    private byte[] bytes;
    private long offset;

    @Setup
    public void setUp() {
        EnricherChain chain = EnricherChain.builder().hostName("gpu-host-1").nodeId("node-7")
                .environment("production").build(); // redaction on: the default
        shaper = new RecordShaper(chain, ShipperMetrics.get(), 1_000_000);
        String text = line.equals("encoder") ? LINE : LINE.replace("\"event.id\":\"01JEX4Q5RZ8K2M3N4P5Q6R7S8T\",", "");
        bytes = text.getBytes(StandardCharsets.UTF_8);
    }

    @Benchmark
    public byte[] shape() {
        offset += bytes.length + 1;
        return shaper.shape(bytes, 0, bytes.length, bytes.length, "/var/log/fabstir/node.json", offset,
                "2049:131842:9f86d081");
    }
}
