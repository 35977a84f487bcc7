package io.fabstir.otel.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import io.fabstir.enrichers.redact.Redactor;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Logback encoder that writes each event as one JSON object per line in the Fabstir record contract: ECS names
 * written flat ({@code "log.level"}, {@code "event.dataset"}), {@code fabstir.*} for the rest, a UUIDv7
 * {@code event.id} made here, {@code trace.id}/{@code span.id} of the current span, MDC entries, structured
 * arguments ({@link LogField#kv}, SLF4J 2 {@code addKeyValue}), markers as {@code tags}, exceptions as
 * {@code error.type}/{@code error.message}/{@code error.stack_trace}. Secrets are masked with
 * {@link Redactor#defaults()} unless {@code redaction} is off.
 *
 * <p>Field precedence when names collide: the encoder's own fields, then key/value arguments, then MDC, then
 * static fields; a name is written once (Elasticsearch rejects duplicate keys).
 *
 * <p>This class holds the configuration and the record's fixed layout; the parts are {@link FieldWriter} (user
 * fields and the message), {@link EventContext} (trace ids, tags), {@link ErrorWriter} (the throwable) and
 * {@link Scratch} (per-thread reusable state).
 *
 * <pre>{@code
 * <encoder class="io.fabstir.otel.logging.FabstirJsonEncoder">
 *   <serviceName>fabstir-node</serviceName>
 *   <serviceVersion>1.4.2</serviceVersion>
 *   <staticField>deployment.environment=prod</staticField>
 *   <excludeMdcKeyNames>internal_key</excludeMdcKeyNames>
 *   <maxFieldLength>16384</maxFieldLength>
 *   <redaction>true</redaction>
 *   <redactKeys>ssn, wallet_seed</redactKeys>
 *   <redactPattern>\bacct-\d{6}\b</redactPattern>
 * </encoder>
 * }</pre>
 */
public class FabstirJsonEncoder extends EncoderBase<ILoggingEvent> {

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final byte[] TIMESTAMP = bytes("{\"@timestamp\":\"");
    private static final byte[] LEVEL = bytes("\",\"log.level\":\"");
    private static final byte[] MESSAGE = bytes("\",\"message\":");
    private static final byte[] LOGGER = bytes(",\"log.logger\":");
    private static final byte[] THREAD = bytes(",\"process.thread.name\":");
    private static final byte[] EVENT_ID = bytes(",\"event.id\":\"");
    private static final byte[] TRACE = bytes("TRACE");
    private static final byte[] DEBUG = bytes("DEBUG");
    private static final byte[] INFO = bytes("INFO");
    private static final byte[] WARN = bytes("WARN");
    private static final byte[] ERROR = bytes("ERROR");

    // configuration (XML setters)
    private String serviceName;
    private String serviceVersion;
    private String dataset = "fabstir.app";
    private final List<String> staticFieldSpecs = new ArrayList<>();
    private final Set<String> includeMdc = new HashSet<>();
    private final Set<String> excludeMdc = new HashSet<>();
    private String traceIdMdcKey = "trace_id";
    private String spanIdMdcKey = "span_id";
    private String traceFlagsMdcKey = "trace_flags";
    private int maxFieldLength = 16 * 1024;
    private int maxStackTraceLength = 64 * 1024;
    private RedactionSettings redaction = new RedactionSettings();
    private boolean includeTraceContext = true;

    // derived at start()
    private byte[] serviceBytes;
    private FieldWriter fields;
    private EventContext context;
    private ErrorWriter errors;
    private NameCache<LoggerName> loggers = newLoggerCache();

    @Override
    public void start() {
        Redactor redactor = redaction.build(this);
        loggers = newLoggerCache();
        String name = firstNonBlank(serviceName, System.getProperty("otel.service.name"),
                System.getenv("OTEL_SERVICE_NAME"), resourceAttribute("service.name"), "unknown_service:java");
        String version = firstNonBlank(serviceVersion, resourceAttribute("service.version"));
        JsonBuffer b = new JsonBuffer();
        b.raw(bytes(",\"service.name\":"));
        b.quoted(name, -1);
        if (version != null) {
            b.raw(bytes(",\"service.version\":"));
            b.quoted(version, -1);
        }
        serviceBytes = b.toByteArray();
        b = new JsonBuffer();
        b.quoted(dataset, -1);
        byte[] datasetBytes = b.toByteArray();
        List<String> names = new ArrayList<>();
        List<byte[]> values = new ArrayList<>();
        for (String spec : staticFieldSpecs) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                addError("staticField must be name=value: " + spec);
                continue;
            }
            String key = spec.substring(0, eq).trim();
            String value = spec.substring(eq + 1).trim();
            if (FieldWriter.RESERVED.contains(key) || names.contains(key)) {
                addWarn("staticField " + key + " ignored: the name is already written");
                continue;
            }
            b = new JsonBuffer();
            b.raw((byte) ',');
            b.quoted(key, -1);
            b.raw((byte) ':');
            b.quoted(value, -1);
            names.add(key);
            values.add(b.toByteArray());
        }
        Set<String> skippedMdc = new HashSet<>(excludeMdc);
        for (String key : new String[] {traceIdMdcKey, spanIdMdcKey, traceFlagsMdcKey}) {
            if (key != null) {
                skippedMdc.add(key);
            }
        }
        fields = new FieldWriter(redactor, maxFieldLength, skippedMdc, includeMdc, names.toArray(String[]::new),
                values.toArray(byte[][]::new), datasetBytes);
        context = new EventContext(traceIdMdcKey, spanIdMdcKey);
        errors = new ErrorWriter(redactor, maxFieldLength, maxStackTraceLength);
        super.start();
    }

    @Override
    public byte[] headerBytes() {
        return null;
    }

    @Override
    public byte[] footerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        Scratch s = SCRATCH.get();
        if (s.busy) {
            s = new Scratch(); // re-entered (a toString() that logs): never share the buffer being written
        }
        s.busy = true;
        try {
            s.reset();
            write(event, s, s.out);
            return s.out.toByteArray();
        } finally {
            s.busy = false;
        }
    }

    private void write(ILoggingEvent event, Scratch s, JsonBuffer out) {
        long millis = event.getTimeStamp();
        out.raw(TIMESTAMP);
        s.timestamp(out, millis, event.getNanoseconds());
        out.raw(LEVEL);
        out.raw(level(event.getLevel()));
        out.raw(MESSAGE);
        fields.text(out, event.getFormattedMessage());
        out.raw(loggerField(event.getLoggerName()));
        out.raw(THREAD);
        String thread = event.getThreadName();
        s.thread.write(out, thread == null ? "" : thread);
        out.raw(serviceBytes);
        out.raw(EVENT_ID);
        s.ids.write(out, millis);
        out.raw((byte) '"');

        List<KeyValuePair> kvps = event.getKeyValuePairs();
        Map<String, String> mdc = event.getMDCPropertyMap();
        if (includeTraceContext) {
            context.writeTraceContext(out, s, kvps, mdc);
        }
        fields.arguments(out, s, kvps, event.getArgumentArray());
        fields.mdc(s, mdc);
        fields.staticFields(out, s);
        List<Marker> markers = event.getMarkerList();
        if (markers != null && !markers.isEmpty()) {
            EventContext.writeTags(out, markers);
        }
        IThrowableProxy error = event.getThrowableProxy();
        if (error != null) {
            errors.write(out, s, error);
        }
        out.raw((byte) '}');
        out.raw((byte) '\n');
    }

    /** Pre-encoded {@code ,"log.logger":"name"}, cached like field names (logger names are constants). */
    private byte[] loggerField(String logger) {
        return loggers.get(logger).field;
    }

    private static NameCache<LoggerName> newLoggerCache() {
        return new NameCache<>(256, l -> l.name, logger -> {
            JsonBuffer b = new JsonBuffer();
            b.raw(LOGGER);
            b.quoted(logger, -1);
            return new LoggerName(logger, b.toByteArray());
        });
    }

    private static final class LoggerName {
        final String name;
        final byte[] field;

        LoggerName(String name, byte[] field) {
            this.name = name;
            this.field = field;
        }
    }

    private static byte[] level(Level level) {
        switch (level.toInt()) {
            case Level.ERROR_INT:
                return ERROR;
            case Level.WARN_INT:
                return WARN;
            case Level.INFO_INT:
                return INFO;
            case Level.DEBUG_INT:
                return DEBUG;
            default:
                return TRACE;
        }
    }

    // ---- XML configuration ----

    public void setServiceName(String serviceName) {
        this.serviceName = serviceName;
    }

    public void setServiceVersion(String serviceVersion) {
        this.serviceVersion = serviceVersion;
    }

    /** event.dataset for records that do not set one (default {@code fabstir.app}). */
    public void setDataset(String dataset) {
        this.dataset = dataset;
    }

    /** One {@code name=value} field added to every record; repeat the element for more. */
    public void addStaticField(String spec) {
        staticFieldSpecs.add(spec);
    }

    /** Comma-separated {@code name=value} pairs added to every record. */
    public void setStaticFields(String specs) {
        for (String spec : specs.split(",")) {
            if (!spec.isBlank()) {
                staticFieldSpecs.add(spec.trim());
            }
        }
    }

    /** Only these MDC keys become fields (comma-separated; default: all). */
    public void setIncludeMdcKeyNames(String names) {
        split(names, includeMdc);
    }

    public void addIncludeMdcKeyName(String name) {
        split(name, includeMdc);
    }

    /** MDC keys never written (comma-separated). */
    public void setExcludeMdcKeyNames(String names) {
        split(names, excludeMdc);
    }

    public void addExcludeMdcKeyName(String name) {
        split(name, excludeMdc);
    }

    /** MDC key holding the trace id (the OpenTelemetry agent's default is {@code trace_id}). */
    public void setTraceIdMdcKey(String key) {
        this.traceIdMdcKey = key;
    }

    public void setSpanIdMdcKey(String key) {
        this.spanIdMdcKey = key;
    }

    public void setTraceFlagsMdcKey(String key) {
        this.traceFlagsMdcKey = key;
    }

    /** Longest string value in characters; longer ones are cut and end with "…" (default 16384). */
    public void setMaxFieldLength(int maxFieldLength) {
        this.maxFieldLength = maxFieldLength;
    }

    /** Longest error.stack_trace in characters, roughly: frames after it are left out (default 65536). */
    public void setMaxStackTraceLength(int maxStackTraceLength) {
        this.maxStackTraceLength = maxStackTraceLength;
    }

    /** Mask secrets with the enrichers' {@link Redactor} rules (default true). */
    public void setRedaction(boolean redaction) {
        this.redaction.enabled(redaction);
    }

    /** The settings of a component that wraps this encoder (the console's JSON format). */
    void redaction(RedactionSettings settings) {
        this.redaction = settings;
    }

    /** An extra sensitive name (or several, comma-separated), matched like the built-in ones; repeatable. */
    public void addRedactKey(String names) {
        redaction.addKeys(names);
    }

    public void setRedactKeys(String names) {
        redaction.addKeys(names);
    }

    /** An extra regex masked in every string value; repeat the element for more. */
    public void addRedactPattern(String regex) {
        redaction.addPattern(regex);
    }

    public void setIncludeTraceContext(boolean includeTraceContext) {
        this.includeTraceContext = includeTraceContext;
    }

    // ---- helpers ----

    private static void split(String names, Set<String> into) {
        for (String n : names.split(",")) {
            if (!n.isBlank()) {
                into.add(n.trim());
            }
        }
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v.trim();
            }
        }
        return null;
    }

    /** A key from OTEL_RESOURCE_ATTRIBUTES ("k1=v1,k2=v2"), as the OpenTelemetry SDK reads it. */
    private static String resourceAttribute(String key) {
        String attrs = System.getProperty("otel.resource.attributes", System.getenv("OTEL_RESOURCE_ATTRIBUTES"));
        if (attrs == null) {
            return null;
        }
        for (String pair : attrs.split(",")) {
            int eq = pair.indexOf('=');
            if (eq > 0 && pair.substring(0, eq).trim().equals(key)) {
                return pair.substring(eq + 1).trim();
            }
        }
        return null;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
