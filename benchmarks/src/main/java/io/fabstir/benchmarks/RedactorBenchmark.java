package io.fabstir.benchmarks;

import io.fabstir.enrichers.redact.Redactor;
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

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * {@code Redactor.defaults().redactText} alone on the strings a GPU node writes: clean text, {@code key=value}
 * messages whose keys only look like credentials (token counts, durations, ids), a URL without credentials, an RPC
 * URL with its key in the path, and a line that holds a password. The string instance is reused, as the encoder
 * gets a new one per event but the redactor keeps no memory of instances.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar Redactor -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
public class RedactorBenchmark {

    @Param({"clean", "sentence", "tokensUsed", "kv", "ids", "url", "rpcUrl", "password"})
    public String text;

    private String input;
    private final Redactor redactor = Redactor.defaults();

    @Setup
    public void setUp() {
        input = text(text);
    }

    @Benchmark
    public String redact() {
        return redactor.redactText(input);
    }

    static String text(String name) {
        // the key in the RPC URL is made at run time: the repository holds nothing a secret scanner flags
        Random r = new Random(7);
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            key.append(Character.forDigit(r.nextInt(16), 16));
        }
        return switch (name) {
            case "clean" -> "job j-8f3a2c completed in 1834 ms on gpu 0";
            case "sentence" ->
                "the scheduler put the job back in the queue because the gpu was busy and will try again soon";
            case "tokensUsed" -> "tokens_used=1234";
            case "kv" ->
                "job j-8f3a2c completed tokens_used=512 prompt_tokens=128 duration_ms=1834 request_id=req-5d1e9b7a";
            case "ids" -> "request_id=req-5d1e9b7a job_id=j-8f3a2c trace_id=0af7651916cd43dd8448eb211c80319c gpu=0";
            case "url" ->
                "fetching https://huggingface.co/meta-llama/Meta-Llama-3-8B-Instruct/resolve/main/config.json";
            case "rpcUrl" -> "chain monitor connected to https://mainnet.infura.io/v3/" + key + " at block 21000000";
            case "password" -> "login user=alice password=" + key + " from 10.0.0.1";
            default -> throw new IllegalArgumentException(name);
        };
    }
}
