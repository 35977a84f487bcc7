package io.fabstir.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.templates.TemplateFields;
import io.fabstir.templates.clash.Clash;
import io.fabstir.templates.clash.TypeClashResolver;
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

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the indexer's type-clash check costs per document: on an edge-enriched encoder record with no clash (the
 * common case: a scan of every field against the template's shapes, nothing changed), and on a winston-style record
 * with three clashes ({@code error}, {@code host}, {@code service} as strings), where {@code copy} is the baseline
 * (the repair changes the document, so each operation works on a fresh copy). {@link Clean} measures the check
 * alone on the clean document.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TypeClash -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
public class TypeClashBenchmark {

    private static final String CLEAN = "{\"@timestamp\":\"2026-11-24T07:00:00.123456Z\",\"log.level\":\"INFO\","
            + "\"message\":\"Job j-1 completed\",\"log.logger\":\"io.fabstir.node.JobRunner\","
            + "\"process.thread.name\":\"jobs-1\",\"service.name\":\"fabstir-node\",\"service.version\":\"1.4.2\","
            + "\"event.id\":\"0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b\",\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
            + "\"span.id\":\"00f067aa0ba902b7\",\"event.dataset\":\"fabstir.job\",\"event.action\":\"job.completed\","
            + "\"event.outcome\":\"success\",\"event.duration\":1500000000,\"fabstir.job.id\":\"j-1\","
            + "\"fabstir.job.model\":\"llama\",\"fabstir.job.tokens_used\":812,\"labels.gpu_index\":\"0\","
            + "\"log.file.path\":\"/var/log/fabstir/node.json\",\"log.offset\":4096,\"host.name\":\"gpu-7\","
            + "\"fabstir.node_id\":\"node-7\",\"deployment.environment\":\"prod\"}";
    private static final String CLASHING = "{\"@timestamp\":\"2026-11-24T07:00:00.123Z\",\"level\":\"error\","
            + "\"message\":\"Job processing failed\",\"error\":\"CUDA out of memory\",\"host\":\"gpu-7\","
            + "\"service\":\"fabstir-node\",\"jobId\":\"job-43\",\"duration\":4210,\"event.id\":\"e-1\"}";

    @Param({"clean", "clashing"})
    public String doc;

    private ObjectNode parsed;
    private TypeClashResolver resolver;

    @Setup
    public void setUp() throws Exception {
        parsed = (ObjectNode) new ObjectMapper().readTree(doc.equals("clean") ? CLEAN : CLASHING);
        resolver = TypeClashResolver.forLogs();
    }

    @Benchmark
    public ObjectNode copy() {
        return parsed.deepCopy();
    }

    @Benchmark
    public List<Clash> copyAndResolve() {
        return resolver.resolve(parsed.deepCopy());
    }

    /**
     * The check alone on the clean document, which it leaves unchanged (so it can be reused): no copy. And what the
     * indexer's streaming fast path adds per record to find out that it needs no repair: {@code accepts} on each of
     * its (flat) names, as the parser hands them over.
     */
    @State(Scope.Thread)
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
    public static class Clean {
        private ObjectNode parsed;
        private TypeClashResolver resolver;
        private TemplateFields fields;
        private String[] names;

        @Setup
        public void setUp() throws Exception {
            parsed = (ObjectNode) new ObjectMapper().readTree(CLEAN);
            resolver = TypeClashResolver.forLogs();
            fields = TemplateFields.logs();
            List<String> n = new java.util.ArrayList<>();
            parsed.fieldNames().forEachRemaining(n::add);
            names = n.toArray(String[]::new);
        }

        @Benchmark
        public List<Clash> resolve() {
            return resolver.resolve(parsed);
        }

        @Benchmark
        public int streamingCheck() {
            int accepted = 0;
            for (String name : names) {
                if (fields.accepts(name, false)) {
                    accepted++;
                }
            }
            return accepted;
        }
    }
}
