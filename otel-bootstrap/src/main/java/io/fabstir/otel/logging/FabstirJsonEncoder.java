package io.fabstir.otel.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import io.fabstir.enrichers.redact.Redactor;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Iterator;
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

    private static final boolean OTEL_API = CurrentSpan.apiPresent();
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /** Names only the encoder writes; a user field with one of these names is dropped. */
    private static final Set<String> RESERVED = Set.of(
            "@timestamp", "log.level", "message", "log.logger", "process.thread.name", "service.name",
            "service.version", "event.id", "trace.id", "span.id", "error.type", "error.message",
            "error.stack_trace", "tags");
    private static final int MAX_DEPTH = 8;

    private static final byte[] TIMESTAMP = bytes("{\"@timestamp\":\"");
    private static final byte[] LEVEL = bytes("\",\"log.level\":\"");
    private static final byte[] MESSAGE = bytes("\",\"message\":");
    private static final byte[] LOGGER = bytes(",\"log.logger\":");
    private static final byte[] THREAD = bytes(",\"process.thread.name\":");
    private static final byte[] EVENT_ID = bytes(",\"event.id\":\"");
    private static final byte[] TRACE_ID = bytes(",\"trace.id\":");
    private static final byte[] SPAN_ID = bytes(",\"span.id\":");
    private static final byte[] DATASET = bytes(",\"event.dataset\":");
    private static final byte[] TAGS = bytes(",\"tags\":[");
    private static final byte[] ERROR_TYPE = bytes(",\"error.type\":");
    private static final byte[] ERROR_MESSAGE = bytes(",\"error.message\":");
    private static final byte[] ERROR_STACK = bytes(",\"error.stack_trace\":\"");
    private static final byte[] NULL = bytes("null");
    private static final byte[] TRUE = bytes("true");
    private static final byte[] FALSE = bytes("false");
    private static final byte[] MASK = bytes('"' + Redactor.MASK + '"');
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
    private Redactor redactor = Redactor.defaults();
    private byte[] serviceBytes;
    private byte[] datasetBytes;
    private String[] staticNames = new String[0];
    private byte[][] staticBytes = new byte[0][];
    private FieldName[] names = new FieldName[256];
    private LoggerName[] loggers = new LoggerName[256];

    @Override
    public void start() {
        redactor = redaction.build(this);
        names = new FieldName[256];
        loggers = new LoggerName[256];
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
        datasetBytes = b.toByteArray();
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
            if (RESERVED.contains(key) || names.contains(key)) {
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
        staticNames = names.toArray(String[]::new);
        staticBytes = values.toArray(byte[][]::new);
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
            JsonBuffer out = s.out;
            out.reset();
            s.seen = 0;
            s.datasetWritten = false;
            write(event, s, out);
            return out.toByteArray();
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
        text(out, event.getFormattedMessage(), maxFieldLength);
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
            writeTraceContext(out, s, kvps, mdc);
        }
        if (kvps != null) {
            for (int i = 0, n = kvps.size(); i < n; i++) {
                KeyValuePair kv = kvps.get(i);
                field(out, s, kv.key, kv.value);
            }
        }
        Object[] args = event.getArgumentArray();
        if (args != null) {
            for (Object arg : args) {
                if (arg instanceof LogField f) {
                    field(out, s, f.key(), f.value());
                }
            }
        }
        if (mdc != null && !mdc.isEmpty()) {
            // forEach with a reused callback: an entrySet iterator would be this encoder's only garbage
            s.mdcWriter.encoder = this;
            mdc.forEach(s.mdcWriter);
            s.mdcWriter.encoder = null;
        }
        for (int i = 0; i < staticNames.length; i++) {
            if (!s.seen(staticNames[i])) {
                out.raw(staticBytes[i]);
                s.datasetWritten |= staticNames[i].equals("event.dataset");
            }
        }
        if (!s.datasetWritten) {
            out.raw(DATASET);
            out.raw(datasetBytes);
        }
        List<Marker> markers = event.getMarkerList();
        if (markers != null && !markers.isEmpty()) {
            writeTags(out, markers);
        }
        IThrowableProxy error = event.getThrowableProxy();
        if (error != null) {
            writeError(out, s, error);
        }
        out.raw((byte) '}');
        out.raw((byte) '\n');
    }

    /** Current span (synchronous appenders); else ids captured on the logging thread; else the agent's MDC keys. */
    private void writeTraceContext(JsonBuffer out, Scratch s, List<KeyValuePair> kvps, Map<String, String> mdc) {
        String traceId = null;
        String spanId = null;
        if (OTEL_API && CurrentSpan.ids(s.spanIds) != null) {
            traceId = s.spanIds[0];
            spanId = s.spanIds[1];
        }
        if (traceId == null && kvps != null) {
            for (int i = 0, n = kvps.size(); i < n; i++) {
                KeyValuePair kv = kvps.get(i);
                if ("trace.id".equals(kv.key) && kv.value != null) {
                    traceId = kv.value.toString();
                } else if ("span.id".equals(kv.key) && kv.value != null) {
                    spanId = kv.value.toString();
                }
            }
        }
        if (traceId == null && mdc != null && !mdc.isEmpty()) {
            traceId = mdc.get(traceIdMdcKey);
            spanId = mdc.get(spanIdMdcKey);
        }
        if (traceId != null) {
            out.raw(TRACE_ID);
            s.trace.write(out, traceId);
            if (spanId != null) {
                out.raw(SPAN_ID);
                s.span.write(out, spanId);
            }
        }
    }

    void mdcField(Scratch s, String key, String value) {
        if (key == null) {
            return;
        }
        FieldName name = fieldName(key);
        if (!name.skipInMdc) {
            field(s.out, s, name, value);
        }
    }

    private void field(JsonBuffer out, Scratch s, String key, Object value) {
        if (key != null) {
            field(out, s, fieldName(key), value);
        }
    }

    private void field(JsonBuffer out, Scratch s, FieldName name, Object value) {
        if (name.reserved || s.seen(name)) {
            return;
        }
        s.remember(name);
        out.raw(name.prefix);
        if (value instanceof String str) {
            Encoded encoded;
            if (name.sensitive) {
                out.raw(MASK);
            } else if ((encoded = name.encoded) != null && encoded.value == str) {
                out.raw(encoded.json); // the same instance again (MDC values repeat line after line)
            } else if (str == name.lastClean) {
                // second time in a row: scanned clean before; keep its JSON for the next time
                int start = out.len;
                out.quoted(str, maxFieldLength);
                if (str.length() <= 256) {
                    name.encoded = new Encoded(str, java.util.Arrays.copyOfRange(out.buf, start, out.len));
                }
            } else {
                String redacted = name.hashKey ? redactor.redactValue(name.key, str) : redactor.redactText(str);
                if (redacted == str) {
                    name.lastClean = str; // MDC and argument values repeat as the same instance
                }
                out.quoted(redacted, maxFieldLength);
            }
            return;
        }
        if (value != null && name.sensitive) {
            out.raw(MASK);
            return;
        }
        value(out, value, 0, name.key);
    }

    /**
     * The encoded {@code ,"name":} and verdicts for a user field name. Names repeat endlessly (MDC keys, argument
     * keys are constants), so they are cached in a small direct-mapped table; entries are immutable, so racing
     * threads at worst compute one twice.
     */
    private FieldName fieldName(String key) {
        FieldName[] cache = names;
        int slot = key.hashCode() & (cache.length - 1);
        FieldName cached = cache[slot];
        if (cached != null && (cached.key == key || cached.key.equals(key))) {
            return cached;
        }
        JsonBuffer b = new JsonBuffer();
        b.raw((byte) ',');
        b.quoted(key, -1);
        b.raw((byte) ':');
        boolean skipInMdc = key.equals(traceIdMdcKey) || key.equals(spanIdMdcKey) || key.equals(traceFlagsMdcKey)
                || excludeMdc.contains(key) || (!includeMdc.isEmpty() && !includeMdc.contains(key));
        FieldName made = new FieldName(key, b.toByteArray(), RESERVED.contains(key), redactor.isSensitiveKey(key),
                skipInMdc);
        cache[slot] = made;
        return made;
    }

    /** Pre-encoded {@code ,"log.logger":"name"}, cached like field names (logger names are constants). */
    private byte[] loggerField(String logger) {
        LoggerName[] cache = loggers;
        int slot = logger.hashCode() & (cache.length - 1);
        LoggerName cached = cache[slot];
        if (cached != null && (cached.name == logger || cached.name.equals(logger))) {
            return cached.field;
        }
        JsonBuffer b = new JsonBuffer();
        b.raw(LOGGER);
        b.quoted(logger, -1);
        LoggerName made = new LoggerName(logger, b.toByteArray());
        cache[slot] = made;
        return made.field;
    }

    private static final class LoggerName {
        final String name;
        final byte[] field;

        LoggerName(String name, byte[] field) {
            this.name = name;
            this.field = field;
        }
    }

    private static final class Encoded {
        final String value;
        final byte[] json;

        Encoded(String value, byte[] json) {
            this.value = value;
            this.json = json;
        }
    }

    static final class FieldName {
        final String key;
        final int hash;
        final byte[] prefix;
        final boolean reserved;
        final boolean sensitive;
        final boolean skipInMdc;
        final boolean dataset;
        /** Named as a hash (tx_hash, blockHash): a 64-hex value under it is not a private key. */
        final boolean hashKey;
        /**
         * Last value instance found clean by the redactor, and the JSON of a value seen twice in a row. Racy on
         * purpose: both are compared by identity with immutable contents, so a stale read only costs a re-scan.
         */
        String lastClean;
        Encoded encoded;

        FieldName(String key, byte[] prefix, boolean reserved, boolean sensitive, boolean skipInMdc) {
            this.key = key;
            this.hash = key.hashCode();
            this.prefix = prefix;
            this.reserved = reserved;
            this.sensitive = sensitive;
            this.skipInMdc = skipInMdc;
            this.dataset = key.equals("event.dataset");
            this.hashKey = Redactor.isHashKey(key);
        }
    }

    /** @param owner the name the value (or the collection holding it) is stored under: hashes stay under hash names */
    private void value(JsonBuffer out, Object v, int depth, String owner) {
        if (v == null) {
            out.raw(NULL);
        } else if (v instanceof String str) {
            out.quoted(redactor.redactValue(owner, str), maxFieldLength);
        } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            out.number(((Number) v).longValue());
        } else if (v instanceof Boolean bool) {
            out.raw(bool ? TRUE : FALSE);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isFinite(d)) {
                out.ascii(Double.toString(d));
            } else {
                out.quoted(Double.toString(d), -1);
            }
        } else if (v instanceof BigDecimal || v instanceof BigInteger) {
            out.ascii(v.toString());
        } else if (v instanceof Map<?, ?> map && depth < MAX_DEPTH) {
            out.raw((byte) '{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!first) {
                    out.raw((byte) ',');
                }
                first = false;
                String key = String.valueOf(e.getKey());
                out.quoted(key, -1);
                out.raw((byte) ':');
                if (e.getValue() != null && redactor.isSensitiveKey(key)) {
                    out.raw(MASK);
                } else if (e.getValue() instanceof String str) {
                    out.quoted(redactor.redactValue(key, str), maxFieldLength);
                } else {
                    value(out, e.getValue(), depth + 1, key);
                }
            }
            out.raw((byte) '}');
        } else if (v instanceof Collection<?> c && depth < MAX_DEPTH) {
            out.raw((byte) '[');
            Iterator<?> it = c.iterator();
            for (int i = 0; it.hasNext(); i++) {
                if (i > 0) {
                    out.raw((byte) ',');
                }
                value(out, it.next(), depth + 1, owner);
            }
            out.raw((byte) ']');
        } else if (v instanceof Object[] arr && depth < MAX_DEPTH) {
            out.raw((byte) '[');
            for (int i = 0; i < arr.length; i++) {
                if (i > 0) {
                    out.raw((byte) ',');
                }
                value(out, arr[i], depth + 1, owner);
            }
            out.raw((byte) ']');
        } else if (v instanceof Enum<?> en) {
            out.quoted(en.name(), -1);
        } else {
            text(out, String.valueOf(v), maxFieldLength);
        }
    }

    private void text(JsonBuffer out, String value, int max) {
        if (value == null) {
            out.raw(NULL);
            return;
        }
        out.quoted(redactor.redactText(value), max);
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

    private static void writeTags(JsonBuffer out, List<Marker> markers) {
        out.raw(TAGS);
        boolean first = true;
        for (Marker m : markers) {
            if (!first) {
                out.raw((byte) ',');
            }
            first = false;
            out.quoted(m.getName(), -1);
            if (m.hasReferences()) {
                for (Iterator<Marker> it = m.iterator(); it.hasNext(); ) {
                    out.raw((byte) ',');
                    out.quoted(it.next().getName(), -1);
                }
            }
        }
        out.raw((byte) ']');
    }

    private void writeError(JsonBuffer out, Scratch s, IThrowableProxy error) {
        out.raw(ERROR_TYPE);
        out.quoted(error.getClassName(), -1);
        String message = error.getMessage() == null ? null : redactor.redactText(error.getMessage());
        if (message != null) {
            out.raw(ERROR_MESSAGE);
            out.quoted(message, maxFieldLength);
        }
        // the whole trace is gathered as chars first (cheap bulk copies), then escaped in one pass
        Chars trace = s.stack;
        trace.reset();
        stackTrace(trace, error, message, "", "", 0);
        out.raw(ERROR_STACK);
        out.ensure(trace.length * 6 + 4);
        out.escapedLongChars(trace.chars, trace.length);
        out.raw((byte) '"');
    }

    /** Java's own printStackTrace layout; messages are redacted. Stops near maxStackTraceLength chars. */
    private void stackTrace(Chars sb, IThrowableProxy t, String caption, String indent, int depth) {
        stackTrace(sb, t, t.getMessage() == null ? null : redactor.redactText(t.getMessage()), caption, indent, depth);
    }

    /** @param red t's message, already redacted (the top one is also error.message: redacted once for both) */
    private void stackTrace(Chars sb, IThrowableProxy t, String red, String caption, String indent, int depth) {
        if (depth > 16) {
            return;
        }
        sb.append(indent).append(caption).append(t.getClassName());
        if (red != null) {
            sb.append(": ").append(red.length() > maxFieldLength ? red.substring(0, maxFieldLength) + "…" : red);
        }
        StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
        int shown = frames.length - t.getCommonFrames();
        for (int i = 0; i < shown; i++) {
            if (sb.length > maxStackTraceLength) {
                sb.append("\n\t...");
                return;
            }
            sb.append('\n').append('\t').append(indent).append(frames[i].getSTEAsString()); // "at ...", cached
        }
        if (t.getCommonFrames() > 0) {
            sb.append('\n').append('\t').append(indent).append("... ").append(t.getCommonFrames()).append(" more");
        }
        IThrowableProxy[] suppressed = t.getSuppressed();
        if (suppressed != null) {
            for (IThrowableProxy sup : suppressed) {
                sb.append('\n');
                stackTrace(sb, sup, "Suppressed: ", indent + "\t", depth + 1);
            }
        }
        IThrowableProxy cause = t.getCause();
        if (cause != null && sb.length <= maxStackTraceLength) {
            sb.append('\n');
            stackTrace(sb, cause, "Caused by: ", indent, depth + 1);
        }
    }

    /** A reusable char buffer (per thread) for building the stack trace. */
    static final class Chars {
        char[] chars = new char[1024];
        int length;

        void reset() {
            if (chars.length > 64 * 1024) {
                chars = new char[1024];
            }
            length = 0;
        }

        private void room(int extra) {
            if (length + extra > chars.length) {
                chars = java.util.Arrays.copyOf(chars, Math.max(length + extra, chars.length * 2));
            }
        }

        Chars append(String s) {
            int n = s.length();
            room(n);
            s.getChars(0, n, chars, length);
            length += n;
            return this;
        }

        Chars append(char c) {
            room(1);
            chars[length++] = c;
            return this;
        }

        Chars append(int v) {
            if (v < 0) {
                return append(Integer.toString(v));
            }
            int digits = 1;
            for (int t = v; t >= 10; t /= 10) {
                digits++;
            }
            room(digits);
            int p = length + digits;
            length = p;
            do {
                chars[--p] = (char) ('0' + v % 10);
                v /= 10;
            } while (v != 0);
            return this;
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

    /**
     * Per-thread memory of the last string written in one slot (thread name, trace id, span id) and its JSON, in a
     * reused array: these repeat line after line, so most records copy bytes instead of escaping chars.
     */
    private static final class LastValue {
        private String value;
        private byte[] json = new byte[80];
        private int length;

        void write(JsonBuffer out, String v) {
            if (v != value) {
                int start = out.len;
                out.quoted(v, 256);
                int n = out.len - start;
                if (n > json.length) {
                    json = new byte[n];
                }
                System.arraycopy(out.buf, start, json, 0, n);
                length = n;
                value = v;
                return;
            }
            out.ensure(length);
            System.arraycopy(json, 0, out.buf, out.len, length);
            out.len += length;
        }
    }

    private static final class MdcWriter implements java.util.function.BiConsumer<String, String> {
        private final Scratch scratch;
        FabstirJsonEncoder encoder;

        MdcWriter(Scratch scratch) {
            this.scratch = scratch;
        }

        @Override
        public void accept(String key, String value) {
            encoder.mdcField(scratch, key, value);
        }
    }

    /** Per-thread reusable state: output buffer, timestamp cache, id generator, names written so far. */
    private static final class Scratch {
        final JsonBuffer out = new JsonBuffer();
        final EventIds ids = new EventIds();
        final String[] spanIds = new String[2];
        final MdcWriter mdcWriter = new MdcWriter(this);
        final LastValue thread = new LastValue();
        final Chars stack = new Chars();
        final LastValue trace = new LastValue();
        final LastValue span = new LastValue();
        FieldName[] names = new FieldName[32];
        int seen;
        boolean datasetWritten;
        boolean busy;
        private long cachedSecond = Long.MIN_VALUE;
        /** "yyyy-MM-ddTHH:mm:ss." for cachedSecond. */
        private final byte[] secondPrefix = new byte[20];

        boolean seen(FieldName name) {
            for (int i = 0; i < seen; i++) {
                FieldName n = names[i];
                if (n == name || (n.hash == name.hash && n.key.equals(name.key))) {
                    return true;
                }
            }
            return false;
        }

        boolean seen(String key) {
            for (int i = 0; i < seen; i++) {
                if (names[i].key.equals(key)) {
                    return true;
                }
            }
            return false;
        }

        void remember(FieldName name) {
            if (seen == names.length) {
                names = java.util.Arrays.copyOf(names, seen * 2);
            }
            names[seen++] = name;
            datasetWritten |= name.dataset;
        }

        /** ISO-8601 UTC with microseconds; the date-time part is recomputed only when the second changes. */
        void timestamp(JsonBuffer out, long millis, int nanos) {
            long second = Math.floorDiv(millis, 1000);
            if (second != cachedSecond) {
                cachedSecond = second;
                LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
                JsonBuffer b = new JsonBuffer();
                b.padded(t.getYear(), 4);
                b.raw((byte) '-');
                b.padded(t.getMonthValue(), 2);
                b.raw((byte) '-');
                b.padded(t.getDayOfMonth(), 2);
                b.raw((byte) 'T');
                b.padded(t.getHour(), 2);
                b.raw((byte) ':');
                b.padded(t.getMinute(), 2);
                b.raw((byte) ':');
                b.padded(t.getSecond(), 2);
                b.raw((byte) '.');
                System.arraycopy(b.buf, 0, secondPrefix, 0, 20);
            }
            out.raw(secondPrefix);
            int micros = nanos >= 0 ? nanos / 1000 : (int) Math.floorMod(millis, 1000) * 1000;
            out.padded(micros, 6);
            out.raw((byte) 'Z');
        }
    }
}
