package io.fabstir.benchmarks;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Two builds of the redactor in one JVM, each in its own class loader, taking turns on the same inputs (a short
 * batch each, many rounds, the fastest batch kept): a before/after comparison that a busy shared machine cannot
 * bias, since load that comes and goes hits both alike. Inputs: {@link RedactorBenchmark}'s texts through
 * {@code redactText}, and two encoder-format records through {@code redact(JsonNode)}, which is what the edge does
 * to every line. Both builds are called through reflection, at the same cost.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.fabstir.benchmarks.RedactorBeforeAfter
 * <before enrichers classes or jar> <after enrichers classes or jar> <jackson jars, ':'-separated>}
 */
public final class RedactorBeforeAfter {

    private static final String[] TEXTS = {"clean", "sentence", "tokensUsed", "kv", "ids", "url", "rpcUrl", "password"};
    private static final String RECORD = "{\"@timestamp\":\"2026-11-24T07:00:01.001001Z\",\"log.level\":\"INFO\","
            + "\"message\":\"%s\",\"log.logger\":\"io.fabstir.node.jobs.JobRunner\",\"process.thread.name\":"
            + "\"gpu-worker-3\",\"service.name\":\"fabstir-node\",\"service.version\":\"1.4.2\",\"event.id\":"
            + "\"01JDBENCH00000000000000001\",\"event.dataset\":\"fabstir.job\",\"event.action\":\"job.completed\","
            + "\"event.outcome\":\"success\",\"event.duration\":1834000000,\"fabstir.job.id\":\"j-1\","
            + "\"fabstir.job.model\":\"mistral-7b\",\"fabstir.job.tokens_used\":512%s,\"trace.id\":"
            + "\"0af7651916cd43dd8448eb211c80319c\",\"span.id\":\"b7ad6b7169203331\"}";
    private static volatile Object sink;

    private RedactorBeforeAfter() {
    }

    public static void main(String[] args) throws Exception {
        Build before = new Build(args[0], args[2]);
        Build after = new Build(args[1], args[2]);
        System.out.printf("%-16s %10s %10s   (ns per call, fastest batch)%n", "input", "before", "after");
        for (String name : TEXTS) {
            String text = RedactorBenchmark.text(name);
            compare(name, before.redactText, before.defaults, text, after.redactText, after.defaults, text);
        }
        String plain = String.format(RECORD, "job j-1 completed with model mistral-7b in 1834 ms", "");
        String kv = String.format(RECORD, "job j-1 completed tokens_used=1630 prompt_tokens=512 duration_ms=1834"
                + " request_id=req-5d1e9b7a", ",\"prompt_tokens\":512,\"duration_ms\":1834,\"max_tokens\":4096");
        compare("record (edge)", before.redactTree, before.defaults, before.tree(plain), after.redactTree,
                after.defaults, after.tree(plain));
        compare("kv record (edge)", before.redactTree, before.defaults, before.tree(kv), after.redactTree,
                after.defaults, after.tree(kv));
    }

    private static void compare(String name, Method a, Object aThis, Object aArg, Method b, Object bThis, Object bArg)
            throws Exception {
        long bestA = Long.MAX_VALUE;
        long bestB = Long.MAX_VALUE;
        int batch = 2000;
        for (int round = 0; round < 600; round++) {
            bestA = Math.min(bestA, batch(a, aThis, aArg, batch));
            bestB = Math.min(bestB, batch(b, bThis, bArg, batch));
        }
        System.out.printf("%-16s %10.0f %10.0f%n", name, bestA / (double) batch, bestB / (double) batch);
    }

    private static long batch(Method m, Object self, Object arg, int n) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            sink = m.invoke(self, arg);
        }
        return System.nanoTime() - t0;
    }

    /** One build of the enrichers module with its own Jackson. */
    private static final class Build {
        final Object defaults;
        final Method redactText;
        final Method redactTree;
        private final Object mapper;
        private final Method readTree;

        Build(String classes, String jackson) throws Exception {
            List<URL> urls = new ArrayList<>();
            urls.add(Path.of(classes).toUri().toURL());
            for (String jar : jackson.split(":")) {
                urls.add(Path.of(jar).toUri().toURL());
            }
            ClassLoader loader = new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
            Class<?> redactor = loader.loadClass("io.fabstir.enrichers.redact.Redactor");
            Class<?> node = loader.loadClass("com.fasterxml.jackson.databind.JsonNode");
            defaults = redactor.getMethod("defaults").invoke(null);
            redactText = redactor.getMethod("redactText", String.class);
            redactTree = redactor.getMethod("redact", node);
            mapper = loader.loadClass("com.fasterxml.jackson.databind.ObjectMapper").getConstructor().newInstance();
            readTree = mapper.getClass().getMethod("readTree", String.class);
        }

        Object tree(String json) throws Exception {
            return readTree.invoke(mapper, json);
        }
    }
}
