package io.fabstir.benchmarks;

import io.fabstir.enrichers.EnricherChain;
import io.fabstir.enrichers.LogRecord;
import io.fabstir.enrichers.RecordOrigin;
import io.fabstir.enrichers.format.FormatMapper;
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

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What format mapping costs at the edge, per record, beside what the edge does anyway: parsing the line
 * ({@code parse}) and the enricher chain ({@code chain}: timestamps, event id, edge fields, redaction). The encoder's
 * own line must cost almost nothing more ({@code parseAndMap} − {@code parse}, {@code chainWithFormats} −
 * {@code chain}); the mapped formats show what a rewrite costs; {@code unknown} is a record no format matches.
 * {@link Recognition} measures the recognition alone on an already parsed record.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar FormatMapper -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
public class FormatMapperBenchmark {

    static final Map<String, String> LINES = Map.of(
            "encoder", "{\"@timestamp\":\"2026-11-24T07:00:00.123456Z\",\"log.level\":\"INFO\","
                    + "\"message\":\"Job j-1 completed\",\"log.logger\":\"io.fabstir.node.JobRunner\","
                    + "\"process.thread.name\":\"jobs-1\",\"service.name\":\"fabstir-node\","
                    + "\"service.version\":\"1.4.2\","
                    + "\"event.id\":\"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\","
                    + "\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span.id\":\"00f067aa0ba902b7\","
                    + "\"event.dataset\":\"fabstir.job\",\"event.action\":\"job.completed\","
                    + "\"event.outcome\":\"success\","
                    + "\"event.duration\":1500000000,\"fabstir.job.id\":\"j-1\",\"fabstir.job.model\":\"llama\","
                    + "\"fabstir.job.tokens_used\":812}",
            "winston", "{\"event\":\"job.completed\",\"jobId\":\"job-42\",\"model\":\"llama-3-8b\",\"tokensUsed\":812,"
                    + "\"duration\":1530,\"timestamp\":1795503600123,\"level\":\"info\",\"service\":\"fabstir-node\","
                    + "\"version\":\"1.4.2\",\"nodeId\":\"node-7\"}",
            "pino", "{\"level\":30,\"time\":1795503600123,\"pid\":657,\"hostname\":\"gpu-7\","
                    + "\"msg\":\"Job j-1 completed\",\"jobId\":\"j-1\"}",
            "zap", "{\"level\":\"info\",\"ts\":1795503600.1234567,\"caller\":\"worker/main.go:43\","
                    + "\"msg\":\"Job j-1 completed\",\"job\":\"j-1\",\"attempt\":3}",
            "unknown", "{\"when\":\"2026-11-24T07:00:00Z\",\"what\":\"Job j-1 completed\",\"who\":\"gpu-7\","
                    + "\"attempt\":3,\"tags\":[\"a\",\"b\"]}");

    @Param({"encoder", "winston", "pino", "zap", "unknown"})
    public String record;

    private String line;
    private FormatMapper mapper;
    private EnricherChain chain;
    private EnricherChain chainWithFormats;
    private RecordOrigin origin;

    @Setup
    public void setUp() {
        line = LINES.get(record);
        mapper = FormatMapper.defaults();
        chain = EnricherChain.builder().hostName("gpu-7").nodeId("node-7").environment("prod").build();
        chainWithFormats = EnricherChain.builder().formats(mapper).hostName("gpu-7").nodeId("node-7")
                .environment("prod").build();
        origin = new RecordOrigin("2049:1:abcd", "/logs/app.json", 4096, Instant.parse("2026-11-24T07:00:01Z"));
    }

    @Benchmark
    public LogRecord parse() {
        return LogRecord.parse(line);
    }

    @Benchmark
    public String parseAndMap() {
        return mapper.map(LogRecord.parse(line));
    }

    @Benchmark
    public LogRecord chain() {
        LogRecord r = LogRecord.parse(line);
        chain.enrich(r, origin);
        return r;
    }

    @Benchmark
    public LogRecord chainWithFormats() {
        LogRecord r = LogRecord.parse(line);
        chainWithFormats.enrich(r, origin);
        return r;
    }

    /** Recognition alone, on a parsed record that mapping leaves unchanged (so it can be reused). */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
    public static class Recognition {
        @Param({"encoder", "unknown"})
        public String record;

        private LogRecord parsed;
        private FormatMapper mapper;

        @Setup
        public void setUp() {
            parsed = LogRecord.parse(LINES.get(record));
            mapper = FormatMapper.defaults();
        }

        @Benchmark
        public String recognise() {
            return mapper.map(parsed);
        }
    }
}
