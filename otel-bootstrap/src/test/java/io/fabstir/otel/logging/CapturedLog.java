package io.fabstir.otel.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A private Logback context whose root writes through a configured encoder into memory. Test helper. */
public final class CapturedLog implements AutoCloseable {

    /** Strict: duplicate keys fail, so "no field is written twice" is checked on every parse. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

    public final LoggerContext context = new LoggerContext();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final OutputStreamAppender<ILoggingEvent> output = new OutputStreamAppender<>();

    public CapturedLog(Consumer<FabstirJsonEncoder> configure) {
        this(configure, null);
    }

    /** With {@code async}, events pass through that appender (started here) before reaching the output. */
    public CapturedLog(Consumer<FabstirJsonEncoder> configure, FabstirAsyncAppender async) {
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        FabstirJsonEncoder encoder = new FabstirJsonEncoder();
        encoder.setContext(context);
        configure.accept(encoder);
        encoder.start();
        output.setContext(context);
        output.setName("memory");
        output.setEncoder(encoder);
        output.setOutputStream(bytes);
        output.setImmediateFlush(true);
        output.start();
        Appender<ILoggingEvent> top = output;
        if (async != null) {
            async.setContext(context);
            async.setName("async");
            async.addAppender(output);
            async.start();
            top = async;
        }
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.detachAndStopAllAppenders();
        root.addAppender(top);
    }

    public Logger logger(String name) {
        return context.getLogger(name);
    }

    public String raw() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    public List<JsonNode> records() {
        List<JsonNode> out = new ArrayList<>();
        for (String line : raw().split("\n")) {
            if (!line.isEmpty()) {
                try {
                    out.add(JSON.readTree(line));
                } catch (Exception e) {
                    throw new UncheckedIOException("not one JSON object: " + line, new java.io.IOException(e));
                }
            }
        }
        return out;
    }

    public JsonNode only() {
        List<JsonNode> all = records();
        if (all.size() != 1) {
            throw new AssertionError("expected one record, got " + all.size() + ": " + raw());
        }
        return all.get(0);
    }

    @Override
    public void close() {
        context.stop();
    }
}
