package io.fabstir.otel.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.otel.events.FabstirEvents;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LogbackIncludeTest {

    private static final List<String> PROPERTIES = List.of("fabstir.log.dir", "fabstir.service.name",
            "fabstir.service.version", "fabstir.log.console.format", "fabstir.log.loki.enabled",
            "fabstir.log.loki.url", "fabstir.log.sentry.enabled", "fabstir.log.sentry.dsn", "fabstir.log.redact-keys",
            "fabstir.log.redact-pattern");

    @AfterEach
    void clearProperties() {
        PROPERTIES.forEach(System::clearProperty);
    }

    private static LoggerContext configure() throws Exception {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(ctx);
        configurator.doConfigure(LogbackIncludeTest.class.getResource("/fabstir-include-test.xml"));
        return ctx;
    }

    private static List<String> errors(LoggerContext ctx) {
        List<String> out = new ArrayList<>();
        for (Status s : ctx.getStatusManager().getCopyOfStatusList()) {
            if (s.getLevel() >= Status.WARN) {
                out.add(s.getMessage() + (s.getThrowable() == null ? "" : " " + s.getThrowable()));
            }
        }
        return out;
    }

    private static List<String> rootAppenders(LoggerContext ctx) {
        List<String> names = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = ctx.getLogger(Logger.ROOT_LOGGER_NAME).iteratorForAppenders();
             it.hasNext(); ) {
            names.add(it.next().getName());
        }
        return names;
    }

    @Test
    void includeWritesContractRecordsToTheRollingJsonFile(@TempDir Path dir) throws Exception {
        System.setProperty("fabstir.log.dir", dir.toString());
        System.setProperty("fabstir.service.name", "include-test");
        System.setProperty("fabstir.service.version", "9.9.9");
        PrintStream console = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext ctx;
        List<String> appenders;
        try {
            ctx = configure();
            appenders = rootAppenders(ctx);
            Logger log = ctx.getLogger("io.fabstir.node.Worker");
            log.info("node started with password=hunter2");
            FabstirEvents.job(log).completed("j-1", "llama-3-8b", 42, Duration.ofMillis(250));
            log.error("gpu lost", new IllegalStateException("NVML_ERROR_GPU_IS_LOST"));
            log.debug("below the default INFO level");
            ctx.stop(); // drains the async queue and closes the file
        } finally {
            System.setOut(console);
        }

        assertThat(errors(ctx)).isEmpty();
        assertThat(appenders).containsExactlyInAnyOrder("CONSOLE", "FABSTIR_ASYNC_FILE", "FABSTIR_ERRORS");
        List<String> lines = Files.readAllLines(dir.resolve("fabstir.json"), StandardCharsets.UTF_8);
        assertThat(lines).hasSize(3);
        List<JsonNode> records = new ArrayList<>();
        for (String line : lines) {
            records.add(CapturedLog.JSON.readTree(line));
        }
        for (JsonNode r : records) {
            assertThat(r.get("service.name").asText()).isEqualTo("include-test");
            assertThat(r.get("service.version").asText()).isEqualTo("9.9.9");
            assertThat(r.get("event.id").asText()).hasSize(36);
        }
        assertThat(records.get(0).get("message").asText()).isEqualTo("node started with password=[REDACTED]");
        assertThat(records.get(1).get("event.dataset").asText()).isEqualTo("fabstir.job");
        assertThat(records.get(1).get("fabstir.job.tokens_used").asLong()).isEqualTo(42);
        assertThat(records.get(2).get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
        String plain = captured.toString(StandardCharsets.UTF_8);
        assertThat(plain).contains("INFO  [").contains("node started with password=[REDACTED]")
                .doesNotContain("{\"@timestamp\"");
    }

    @Test
    void extraSensitiveNamesAndAPatternFromPropertiesAreMaskedInTheFile(@TempDir Path dir) throws Exception {
        System.setProperty("fabstir.log.dir", dir.toString());
        System.setProperty("fabstir.log.redact-keys", "ssn, customerRef");
        System.setProperty("fabstir.log.redact-pattern", "\\bacct-\\d{6}\\b");
        PrintStream console = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        LoggerContext ctx;
        try {
            ctx = configure();
            ctx.getLogger("io.fabstir.node.Billing").info("paid from acct-123456, ssn=078-05-1120",
                    LogField.kv("customer_ref", "c-77"));
            ctx.stop();
        } finally {
            System.setOut(console);
        }
        assertThat(errors(ctx)).isEmpty();
        JsonNode r = CapturedLog.JSON.readTree(Files.readAllLines(dir.resolve("fabstir.json")).get(0));
        assertThat(r.get("message").asText()).isEqualTo("paid from [REDACTED], ssn=[REDACTED]");
        assertThat(r.get("customer_ref").asText()).isEqualTo("[REDACTED]");
    }

    @Test
    void consoleSwitchesToJsonAndLokiIsSwitchedOnByProperties(@TempDir Path dir) throws Exception {
        System.setProperty("fabstir.log.dir", dir.toString());
        System.setProperty("fabstir.log.console.format", "json");
        System.setProperty("fabstir.log.loki.enabled", "true");
        System.setProperty("fabstir.log.loki.url", "http://127.0.0.1:9/loki/api/v1/push");
        PrintStream console = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggerContext ctx;
        try {
            ctx = configure();
            ctx.getLogger("x").info("to the console as json");
            assertThat(errors(ctx)).isEmpty();
            assertThat(rootAppenders(ctx)).contains("CONSOLE", "FABSTIR_ASYNC_FILE", "FABSTIR_ASYNC_LOKI");
            FabstirAsyncAppender loki = (FabstirAsyncAppender) ctx.getLogger(Logger.ROOT_LOGGER_NAME)
                    .getAppender("FABSTIR_ASYNC_LOKI");
            assertThat(loki.getAppender("FABSTIR_LOKI").getClass().getName())
                    .isEqualTo("com.github.loki4j.logback.Loki4jAppender");
            assertThat(loki.isStarted()).isTrue();
            ctx.stop();
        } finally {
            System.setOut(console);
        }
        String out = captured.toString(StandardCharsets.UTF_8).strip();
        JsonNode r = CapturedLog.JSON.readTree(out.lines().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        assertThat(r.get("message").asText()).isEqualTo("to the console as json");
    }

    /** A Sentry DSN pointing at a local receiver of Sentry's envelope endpoint (the wire format the SDK sends). */
    @Test
    void sentryIsSwitchedOnByPropertyAndReceivesErrorsWithSecretsMasked(@TempDir Path dir) throws Exception {
        List<String> envelopes = new java.util.concurrent.CopyOnWriteArrayList<>();
        com.sun.net.httpserver.HttpServer sentry =
                com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
        sentry.createContext("/api/42/envelope/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                body = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes();
            }
            envelopes.add(new String(body, StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        sentry.start();
        System.setProperty("fabstir.log.dir", dir.toString());
        System.setProperty("fabstir.log.sentry.enabled", "true");
        System.setProperty("fabstir.log.sentry.dsn",
                "http://0123456789abcdef0123456789abcdef@127.0.0.1:" + sentry.getAddress().getPort() + "/42");
        PrintStream console = System.out;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        try {
            LoggerContext ctx = configure();
            assertThat(errors(ctx)).isEmpty();
            assertThat(rootAppenders(ctx)).contains("FABSTIR_SENTRY");
            Logger log = ctx.getLogger("io.fabstir.node.Chain");
            log.info("not an error: stays out of Sentry");
            log.error("rpc login failed password=hunter2", new IllegalStateException("token=abc123secretvalue"));
            io.sentry.Sentry.flush(10_000);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> envelopes.stream().anyMatch(e -> e.contains("rpc login failed")));
            ctx.stop();
        } finally {
            System.setOut(console);
            sentry.stop(0);
            io.sentry.Sentry.close();
        }
        String all = String.join("\n", envelopes);
        assertThat(all).contains("rpc login failed password=[REDACTED]").contains("IllegalStateException")
                .doesNotContain("hunter2").doesNotContain("abc123secretvalue")
                // an INFO line travels only as a breadcrumb of the error, never as an event of its own
                .doesNotContain("\"formatted\":\"not an error");
    }
}
