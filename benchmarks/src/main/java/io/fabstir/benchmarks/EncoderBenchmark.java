package io.fabstir.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import co.elastic.logging.logback.EcsEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.otel.logging.FabstirJsonEncoder;
import io.fabstir.otel.logging.LogField;
import net.logstash.logback.argument.StructuredArguments;
import net.logstash.logback.encoder.LogstashEncoder;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One realistic record encoded by FabstirJsonEncoder (redaction on = our default, and off), LogstashEncoder and
 * EcsEncoder, in one run: a formatted message, 4 MDC entries, the trace context as the OpenTelemetry agent puts it
 * in the MDC (trace_id, span_id, trace_flags), 3 SLF4J 2 key/value pairs ({@code record=event}); the same record
 * with an exception that has a cause ({@code exception}); with a message of {@code key=value} pairs whose keys only
 * look like credentials, as an inference node writes them: token counts, durations, ids ({@code kv}); and with
 * Logstash-style structured arguments that render as {@code key=value} in the message and are written as fields
 * ({@code structured}: {@code StructuredArguments.kv} for LogstashEncoder, {@code LogField.kv} for ours, the same
 * objects' {@code toString} for ECS, which has no such fields). The event object is built once and reused (as in
 * the peers' own benchmarks), so every encoder gets the already formatted message and MDC copy; what is measured is
 * the encoding itself.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar Encoder -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgs = {"-Xms512m", "-Xmx512m"})
public class EncoderBenchmark {

    @Param({"fabstir", "fabstirNoRedaction", "logstash", "ecs"})
    public String encoder;

    @Param({"event", "exception", "kv", "structured"})
    public String record;

    private Encoder<ILoggingEvent> subject;
    private ILoggingEvent event;
    private LoggerContext context;

    @Setup
    public void setUp() {
        context = new LoggerContext();
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        subject = encoder(encoder, context);
        event = event(context, record, encoder.equals("logstash"));
        checkOutput();
    }

    @TearDown
    public void tearDown() {
        subject.stop();
        context.stop();
    }

    @Benchmark
    public byte[] encode() {
        return subject.encode(event);
    }

    static Encoder<ILoggingEvent> encoder(String name, LoggerContext context) {
        Encoder<ILoggingEvent> e;
        switch (name) {
            case "fabstir": {
                FabstirJsonEncoder f = new FabstirJsonEncoder();
                f.setServiceName("fabstir-node");
                f.setServiceVersion("1.4.2");
                e = f;
                break;
            }
            case "fabstirNoRedaction": {
                FabstirJsonEncoder f = new FabstirJsonEncoder();
                f.setServiceName("fabstir-node");
                f.setServiceVersion("1.4.2");
                f.setRedaction(false);
                e = f;
                break;
            }
            case "logstash":
                e = new LogstashEncoder();
                break;
            case "ecs": {
                EcsEncoder ecs = new EcsEncoder();
                ecs.setServiceName("fabstir-node");
                ecs.setServiceVersion("1.4.2");
                e = ecs;
                break;
            }
            default:
                throw new IllegalArgumentException(name);
        }
        e.setContext(context);
        e.start();
        return e;
    }

    /** @param logstashArguments structured arguments as logstash-logback-encoder's own type (else {@link LogField}) */
    static ILoggingEvent event(LoggerContext context, String record, boolean logstashArguments) {
        Logger logger = context.getLogger("io.fabstir.node.inference.JobRunner");
        boolean withException = record.equals("exception");
        Throwable error = null;
        if (withException) {
            error = nest(6, () -> new IllegalStateException("inference failed for job j-8f3a2c",
                    new java.io.IOException("CUDA error: out of memory (tried to allocate 2.00 GiB)")));
        }
        String format = "job {} completed in {} ms on gpu {}";
        Object[] args = {"j-8f3a2c", 1834, 0};
        if (record.equals("kv")) {
            format = "job {} completed tokens_used={} prompt_tokens={} duration_ms={} request_id={}";
            args = new Object[] {"j-8f3a2c", 512, 128, 1834, "req-5d1e9b7a"};
        } else if (record.equals("structured")) {
            format = "job completed {} {} {} {}";
            args = logstashArguments
                    ? new Object[] {StructuredArguments.kv("tokens_used", 512),
                        StructuredArguments.kv("prompt_tokens", 128), StructuredArguments.kv("duration_ms", 1834),
                        StructuredArguments.kv("max_tokens", 4096)}
                    : new Object[] {LogField.kv("tokens_used", 512), LogField.kv("prompt_tokens", 128),
                        LogField.kv("duration_ms", 1834), LogField.kv("max_tokens", 4096)};
        }
        LoggingEvent e = new LoggingEvent(Logger.class.getName(), logger, withException ? Level.ERROR : Level.INFO,
                format, error, args);
        e.setThreadName("inference-worker-3");
        Map<String, String> mdc = new LinkedHashMap<>();
        mdc.put("fabstir.node_id", "node-eu-7");
        mdc.put("request_id", "req-5d1e9b7a");
        mdc.put("user.id", "0x71c7656ec7ab88b098defb751b7401b5f6d8976f");
        mdc.put("labels.region", "eu-west-1");
        mdc.put("trace_id", "0af7651916cd43dd8448eb211c80319c");
        mdc.put("span_id", "b7ad6b7169203331");
        mdc.put("trace_flags", "01");
        e.setMDCPropertyMap(mdc);
        List<KeyValuePair> kvps = new ArrayList<>();
        kvps.add(new KeyValuePair("fabstir.job.id", "j-8f3a2c"));
        kvps.add(new KeyValuePair("fabstir.job.model", "llama-3-8b-instruct"));
        kvps.add(new KeyValuePair("fabstir.job.tokens_used", 512L));
        e.setKeyValuePairs(kvps);
        e.prepareForDeferredProcessing();
        return e;
    }

    /** A few real frames between the benchmark and the throw site, as in an application. */
    private static Throwable nest(int depth, java.util.function.Supplier<Throwable> make) {
        if (depth == 0) {
            try {
                throw make.get();
            } catch (Throwable t) {
                return t;
            }
        }
        return nest(depth - 1, make);
    }

    /** Fails fast if an encoder drops what it is compared on (so the comparison stays like for like). */
    private void checkOutput() {
        byte[] out = subject.encode(event);
        try {
            JsonNode r = new ObjectMapper().readTree(out);
            String text = new String(out, StandardCharsets.UTF_8);
            for (String needle : new String[] {"j-8f3a2c", "req-5d1e9b7a", "0af7651916cd43dd8448eb211c80319c",
                "llama-3-8b-instruct"}) {
                if (!text.contains(needle)) {
                    System.err.println("WARNING " + encoder + " output lacks " + needle + ": " + text);
                }
            }
            if (r.size() < 5) {
                throw new IllegalStateException("unexpected output: " + text);
            }
            if (text.contains("[REDACTED]")) {
                throw new IllegalStateException("the record holds no secret, yet something was masked: " + text);
            }
            if (record.equals("structured") && !encoder.equals("ecs") && !r.has("tokens_used")) {
                throw new IllegalStateException(encoder + " did not write the structured arguments: " + text);
            }
            if (Boolean.getBoolean("bench.print")) {
                System.err.println(encoder + "/" + record + " (" + out.length + " bytes): " + text);
            }
        } catch (java.io.IOException ex) {
            throw new IllegalStateException(encoder + " wrote invalid JSON", ex);
        }
    }
}
