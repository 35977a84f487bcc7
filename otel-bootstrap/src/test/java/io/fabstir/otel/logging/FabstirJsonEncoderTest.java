package io.fabstir.otel.logging;

import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.enrichers.redact.Redactor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;
import org.slf4j.MarkerFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.fabstir.otel.logging.LogField.kv;
import static org.assertj.core.api.Assertions.assertThat;

class FabstirJsonEncoderTest {

    private static final String UUID_V7 = "[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";
    private static final String HEX_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";

    @Test
    void everyRecordCarriesTheContractFields() {
        try (CapturedLog log = new CapturedLog(e -> {
            e.setServiceName("fabstir-node");
            e.setServiceVersion("1.2.3");
        })) {
            Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            log.logger("io.fabstir.node.Scheduler").info("node {} ready", "n-1");
            JsonNode r = log.only();

            assertThat(r.get("@timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
            assertThat(Instant.parse(r.get("@timestamp").asText())).isBetween(before, Instant.now());
            assertThat(r.get("log.level").asText()).isEqualTo("INFO");
            assertThat(r.get("message").asText()).isEqualTo("node n-1 ready");
            assertThat(r.get("log.logger").asText()).isEqualTo("io.fabstir.node.Scheduler");
            assertThat(r.get("process.thread.name").asText()).isEqualTo(Thread.currentThread().getName());
            assertThat(r.get("service.name").asText()).isEqualTo("fabstir-node");
            assertThat(r.get("service.version").asText()).isEqualTo("1.2.3");
            assertThat(r.get("event.id").asText()).matches(UUID_V7);
            assertThat(r.get("event.dataset").asText()).isEqualTo("fabstir.app");
            assertThat(r.has("trace.id")).isFalse();
            assertThat(log.raw()).endsWith("}\n").hasLineCount(1);
        }
    }

    @Test
    void eventIdsAreUniqueAndIncreaseWithinAThreadEvenInTheSameMillisecond() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            Logger logger = log.logger("ids");
            for (int i = 0; i < 5000; i++) {
                logger.info("x");
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode r : log.records()) {
                ids.add(r.get("event.id").asText());
            }
            assertThat(new HashSet<>(ids)).hasSize(5000);
            assertThat(ids).isSorted();
        }
    }

    @Test
    void mdcEntriesBecomeFieldsAndCanBeFiltered() {
        try (CapturedLog all = new CapturedLog(e -> { });
             CapturedLog some = new CapturedLog(e -> e.setIncludeMdcKeyNames("fabstir.job.id, request_id"));
             CapturedLog without = new CapturedLog(e -> e.setExcludeMdcKeyNames("request_id"))) {
            MDC.put("fabstir.job.id", "j-7");
            MDC.put("request_id", "r-1");
            MDC.put("region", "eu-west");
            try {
                all.logger("mdc").info("hello");
                some.logger("mdc").info("hello");
                without.logger("mdc").info("hello");
            } finally {
                MDC.clear();
            }
            assertThat(all.only().get("fabstir.job.id").asText()).isEqualTo("j-7");
            assertThat(all.only().get("request_id").asText()).isEqualTo("r-1");
            assertThat(all.only().get("region").asText()).isEqualTo("eu-west");
            assertThat(some.only().has("region")).isFalse();
            assertThat(some.only().get("request_id").asText()).isEqualTo("r-1");
            assertThat(without.only().has("request_id")).isFalse();
            assertThat(without.only().get("region").asText()).isEqualTo("eu-west");
        }
    }

    @Test
    void traceAndSpanIdsComeFromTheCurrentSpan() {
        try (SdkTracerProvider provider = SdkTracerProvider.builder().build();
             CapturedLog log = new CapturedLog(e -> { })) {
            Tracer tracer = provider.get("test");
            Span span = tracer.spanBuilder("job").startSpan();
            try (Scope ignored = span.makeCurrent()) {
                log.logger("trace").info("inside");
            } finally {
                span.end();
            }
            log.logger("trace").info("outside");
            List<JsonNode> records = log.records();
            assertThat(records.get(0).get("trace.id").asText()).isEqualTo(span.getSpanContext().getTraceId());
            assertThat(records.get(0).get("span.id").asText()).isEqualTo(span.getSpanContext().getSpanId());
            assertThat(records.get(1).has("trace.id")).isFalse();
        }
    }

    @Test
    void traceIdsSetInMdcByTheOpenTelemetryAgentAreUsedAndNotRepeated() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            MDC.put("trace_id", "0af7651916cd43dd8448eb211c80319c");
            MDC.put("span_id", "b7ad6b7169203331");
            MDC.put("trace_flags", "01");
            try {
                log.logger("trace").info("from agent");
            } finally {
                MDC.clear();
            }
            JsonNode r = log.only();
            assertThat(r.get("trace.id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
            assertThat(r.get("span.id").asText()).isEqualTo("b7ad6b7169203331");
            assertThat(r.has("trace_id")).isFalse();
            assertThat(r.has("trace_flags")).isFalse();
        }
    }

    @Test
    void asyncAppenderKeepsTheTraceIdsOfTheLoggingThread() throws Exception {
        FabstirAsyncAppender async = new FabstirAsyncAppender();
        try (SdkTracerProvider provider = SdkTracerProvider.builder().build();
             CapturedLog log = new CapturedLog(e -> { }, async)) {
            Span span = provider.get("test").spanBuilder("job").startSpan();
            try (Scope ignored = span.makeCurrent()) {
                log.logger("trace").info("inside, encoded on the worker thread");
            } finally {
                span.end();
            }
            async.stop(); // drains the queue
            JsonNode r = log.only();
            assertThat(r.get("trace.id").asText()).isEqualTo(span.getSpanContext().getTraceId());
            assertThat(r.get("span.id").asText()).isEqualTo(span.getSpanContext().getSpanId());
        }
    }

    @Test
    void exceptionsBecomeErrorFieldsWithCausesInOneStackTrace() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            IllegalStateException root = new IllegalStateException("gpu 0 lost");
            RuntimeException error = new RuntimeException("job j-1 aborted", root);
            error.addSuppressed(new java.io.IOException("close failed"));
            log.logger("err").error("inference failed", error);
            JsonNode r = log.only();
            assertThat(r.get("error.type").asText()).isEqualTo("java.lang.RuntimeException");
            assertThat(r.get("error.message").asText()).isEqualTo("job j-1 aborted");
            String trace = r.get("error.stack_trace").asText();
            assertThat(trace).startsWith("java.lang.RuntimeException: job j-1 aborted\n\tat ");
            assertThat(trace).contains("FabstirJsonEncoderTest.exceptionsBecomeErrorFieldsWithCausesInOneStackTrace");
            assertThat(trace).contains("\nCaused by: java.lang.IllegalStateException: gpu 0 lost");
            assertThat(trace).contains("\tSuppressed: java.io.IOException: close failed");
            assertThat(trace).containsPattern("\\.\\.\\. \\d+ more");
            assertThat(log.raw()).hasLineCount(1);
        }
    }

    @Test
    void unicodeAndControlCharactersAreEscapedAndSurviveARoundTrip() {
        String tricky = "quote\" backslash\\ tab\t nl\n cr\r nul\u0000 bell\u0007 del\u007f é 漢字 😀 "
                + "ls\u2028 lone\uD800 end";
        try (CapturedLog log = new CapturedLog(e -> e.setRedaction(false))) {
            log.logger("uni").info(tricky);
            String raw = log.raw();
            assertThat(raw).hasLineCount(1);
            assertThat(raw.substring(0, raw.length() - 1)).doesNotContainPattern("[\\u0000-\\u001f]");
            assertThat(raw).contains("\\u0000").contains("\\u0007").contains("\\ud800");
            assertThat(log.only().get("message").asText()).isEqualTo(tricky);
        }
        String longTricky = tricky.repeat(20); // long values take the 8-bytes-at-a-time path
        try (CapturedLog log = new CapturedLog(e -> e.setRedaction(false))) {
            log.logger("uni").info(longTricky);
            assertThat(log.raw()).hasLineCount(1);
            assertThat(log.only().get("message").asText()).isEqualTo(longTricky);
        }
    }

    @Test
    void longValuesAreCutAtMaxFieldLength() {
        try (CapturedLog log = new CapturedLog(e -> e.setMaxFieldLength(100))) {
            log.logger("long").info("x".repeat(10_000), kv("fabstir.note", "y".repeat(500)));
            JsonNode r = log.only();
            assertThat(r.get("message").asText()).isEqualTo("x".repeat(100) + "…");
            assertThat(r.get("fabstir.note").asText()).isEqualTo("y".repeat(100) + "…");
        }
    }

    @Test
    void structuredArgumentsAndFluentKeyValuesBecomeTypedFields() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            Map<String, Object> gpu = new LinkedHashMap<>();
            gpu.put("index", 0);
            gpu.put("name", "H100");
            log.logger("kv").info("job {} done", kv("fabstir.job.id", "j-9"), kv("fabstir.job.tokens_used", 512L),
                    kv("fabstir.gpu", gpu));
            log.logger("kv").atInfo().addKeyValue("fabstir.job.model", "llama-3-8b")
                    .addKeyValue("fabstir.ok", true).addKeyValue("labels.ratio", 0.25).log("fluent");
            List<JsonNode> rs = log.records();
            assertThat(rs.get(0).get("message").asText()).isEqualTo("job fabstir.job.id=j-9 done");
            assertThat(rs.get(0).get("fabstir.job.id").asText()).isEqualTo("j-9");
            assertThat(rs.get(0).get("fabstir.job.tokens_used").isIntegralNumber()).isTrue();
            assertThat(rs.get(0).get("fabstir.job.tokens_used").asLong()).isEqualTo(512);
            assertThat(rs.get(0).at("/fabstir.gpu/name").asText()).isEqualTo("H100");
            assertThat(rs.get(1).get("fabstir.job.model").asText()).isEqualTo("llama-3-8b");
            assertThat(rs.get(1).get("fabstir.ok").asBoolean()).isTrue();
            assertThat(rs.get(1).get("labels.ratio").asDouble()).isEqualTo(0.25);
        }
    }

    @Test
    void aNameIsWrittenOnceWithArgumentsBeforeMdcBeforeStaticFieldsAndReservedNamesKept() {
        try (CapturedLog log = new CapturedLog(e -> {
            e.addStaticField("deployment.environment=prod");
            e.addStaticField("region=static");
        })) {
            MDC.put("region", "mdc");
            MDC.put("message", "spoofed");
            try {
                log.logger("dup").atInfo().addKeyValue("region", "arg").addKeyValue("log.level", "FAKE").log("real");
            } finally {
                MDC.clear();
            }
            JsonNode r = log.only(); // strict parser: a duplicate key would fail here
            assertThat(r.get("region").asText()).isEqualTo("arg");
            assertThat(r.get("message").asText()).isEqualTo("real");
            assertThat(r.get("log.level").asText()).isEqualTo("INFO");
            assertThat(r.get("deployment.environment").asText()).isEqualTo("prod");
        }
    }

    @Test
    void markersBecomeTags() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            log.logger("m").info(MarkerFactory.getMarker("SECURITY"), "login");
            assertThat(log.only().get("tags").get(0).asText()).isEqualTo("SECURITY");
        }
    }

    @Test
    void secretsAreMaskedInMessageMdcArgumentsNestedValuesAndErrors() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            MDC.put("x-api-key", "k-123");
            try {
                Map<String, Object> db = Map.of("user", "fabstir", "password", "pw");
                log.logger("s").error("connect postgres://fabstir:s3cret@db:5432 failed, key " + HEX_KEY,
                        kv("db", db), kv("auth_token", "tok"), kv("fabstir.job.tokens_used", 5),
                        new IllegalStateException("Bearer abcdefghijklmnop rejected"));
            } finally {
                MDC.clear();
            }
            JsonNode r = log.only();
            String mask = Redactor.MASK;
            assertThat(r.get("message").asText())
                    .isEqualTo("connect postgres://fabstir:" + mask + "@db:5432 failed, key " + mask);
            assertThat(r.get("x-api-key").asText()).isEqualTo(mask);
            assertThat(r.at("/db/password").asText()).isEqualTo(mask);
            assertThat(r.at("/db/user").asText()).isEqualTo("fabstir");
            assertThat(r.get("auth_token").asText()).isEqualTo(mask);
            assertThat(r.get("fabstir.job.tokens_used").asInt()).isEqualTo(5);
            assertThat(r.get("error.message").asText()).isEqualTo("Bearer " + mask + " rejected");
            assertThat(r.get("error.stack_trace").asText()).doesNotContain("abcdefghijklmnop");
        }
    }

    @Test
    void aTransactionHashIsKeptUnderAHashNameWhileTheSameHexElsewhereIsMasked() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            log.logger("s").info("stake withdrawn", kv("fabstir.audit.tx_hash", "0x" + HEX_KEY),
                    kv("details", Map.of("blockHash", HEX_KEY, "signer_key", HEX_KEY)), kv("note", HEX_KEY));
            JsonNode r = log.only();
            assertThat(r.get("fabstir.audit.tx_hash").asText()).isEqualTo("0x" + HEX_KEY);
            assertThat(r.at("/details/blockHash").asText()).isEqualTo(HEX_KEY);
            assertThat(r.at("/details/signer_key").asText()).isEqualTo(Redactor.MASK);
            assertThat(r.get("note").asText()).isEqualTo(Redactor.MASK);
        }
    }

    @Test
    void redactionCanBeSwitchedOff() {
        try (CapturedLog log = new CapturedLog(e -> e.setRedaction(false))) {
            log.logger("s").info("password=hunter2", kv("token", "t"));
            JsonNode r = log.only();
            assertThat(r.get("message").asText()).isEqualTo("password=hunter2");
            assertThat(r.get("token").asText()).isEqualTo("t");
        }
    }

    @Test
    void recordsFromManyThreadsAreWholeLinesWithDistinctIds() throws Exception {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            Logger logger = log.logger("mt");
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Thread th = new Thread(() -> {
                    for (int i = 0; i < 500; i++) {
                        logger.info("n {}", i, kv("fabstir.i", i));
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) {
                th.join(TimeUnit.SECONDS.toMillis(60));
            }
            Set<String> ids = new HashSet<>();
            for (JsonNode r : log.records()) {
                ids.add(r.get("event.id").asText());
            }
            assertThat(ids).hasSize(2000);
        }
    }

    @Test
    void cachedNamesAndValuesNeverLeakBetweenRecords() {
        try (CapturedLog log = new CapturedLog(e -> { })) {
            String region = "eu-west-1";
            List<String> expectedRegions = new ArrayList<>();
            List<String> expectedLoggers = new ArrayList<>();
            for (int i = 0; i < 600; i++) {
                if (i % 7 == 0) {
                    region = "region-" + i;
                }
                String value = i % 50 == 3 ? "password=p" + i : region;
                MDC.put("labels.region", value);
                String logger = "io.fabstir.L" + (i % 300);
                log.logger(logger).info("n");
                expectedRegions.add(i % 50 == 3 ? "password=[REDACTED]" : region);
                expectedLoggers.add(logger);
            }
            MDC.clear();
            List<JsonNode> records = log.records();
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).get("labels.region").asText()).as("record %d", i)
                        .isEqualTo(expectedRegions.get(i));
                assertThat(records.get(i).get("log.logger").asText()).isEqualTo(expectedLoggers.get(i));
            }
        }
    }

    @Test
    void stackTracesWithQuotesControlCharactersAndNonLatinTextRoundTrip() {
        String message = "bad \"quote\" back\\slash é ß 漢字 😀 bell\u0007 x".repeat(3);
        try (CapturedLog log = new CapturedLog(e -> e.setRedaction(false))) {
            log.logger("err").error("boom", new IllegalStateException(message, new RuntimeException("ü\tcause")));
            String trace = log.only().get("error.stack_trace").asText();
            assertThat(trace).startsWith("java.lang.IllegalStateException: " + message + "\n\tat ");
            // the cause was made on the same line, so all its frames are shared: "... N more"
            assertThat(trace).containsPattern("\nCaused by: java.lang.RuntimeException: ü\tcause\n\t\\.\\.\\. \\d+ more$");
            assertThat(log.raw()).hasLineCount(1);
        }
    }

    @Test
    void latinOneStackTracesRoundTripWhereverTheEscapesFallInTheEightByteWords() {
        char[] alphabet = {'a', 'Z', '0', ' ', '"', '\\', '\n', '\t', '\r', '\u0001', '\u001f', '\u007f', 'é', 'ÿ', '/'};
        java.util.Random random = new java.util.Random(42);
        List<String> messages = new java.util.ArrayList<>();
        try (CapturedLog log = new CapturedLog(e -> e.setRedaction(false))) {
            for (int round = 0; round < 300; round++) {
                char[] m = new char[random.nextInt(200)];
                for (int i = 0; i < m.length; i++) {
                    m[i] = random.nextInt(3) == 0 ? alphabet[random.nextInt(alphabet.length)] : 'x';
                }
                messages.add(new String(m));
                log.logger("err").error("boom", new IllegalStateException(messages.get(round)));
            }
            List<JsonNode> records = log.records();
            assertThat(records).hasSize(messages.size());
            for (int i = 0; i < records.size(); i++) {
                assertThat(records.get(i).get("error.stack_trace").asText())
                        .startsWith("java.lang.IllegalStateException: " + messages.get(i) + "\n\tat ");
            }
        }
    }
}
