package io.fabstir.otel.logging;

import io.fabstir.enrichers.redact.Redactor;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Writes the user's fields of a record (key/value arguments, {@link LogField}s, MDC entries, static fields) and
 * the message text: each name once (the first writer wins, see {@link FabstirJsonEncoder}), values as JSON (maps,
 * collections, arrays, numbers, booleans, else their {@code toString()}), secrets masked by the {@link Redactor}.
 * Built by the encoder at start from its configuration; immutable apart from the caches, which are safe to race.
 */
final class FieldWriter {

    /** Names only the encoder writes; a user field with one of these names is dropped. */
    static final Set<String> RESERVED = Set.of(
            "@timestamp", "log.level", "message", "log.logger", "process.thread.name", "service.name",
            "service.version", "event.id", "trace.id", "span.id", "error.type", "error.message",
            "error.stack_trace", "tags");
    private static final int MAX_DEPTH = 8;
    private static final byte[] DATASET = bytes(",\"event.dataset\":");
    private static final byte[] NULL = bytes("null");
    private static final byte[] TRUE = bytes("true");
    private static final byte[] FALSE = bytes("false");
    private static final byte[] MASK = bytes('"' + Redactor.MASK + '"');

    private final Redactor redactor;
    private final int maxFieldLength;
    /** MDC keys never written: the trace context keys (written as trace.id/span.id) and the excluded ones. */
    private final Set<String> skippedMdc;
    /** When not empty, the only MDC keys written. */
    private final Set<String> includedMdc;
    private final String[] staticNames;
    private final byte[][] staticBytes;
    private final byte[] datasetBytes;
    private final NameCache<FieldName> names = new NameCache<>(256, n -> n.key, this::newFieldName);

    FieldWriter(Redactor redactor, int maxFieldLength, Set<String> skippedMdc, Set<String> includedMdc,
            String[] staticNames, byte[][] staticBytes, byte[] datasetBytes) {
        this.redactor = redactor;
        this.maxFieldLength = maxFieldLength;
        this.skippedMdc = Set.copyOf(skippedMdc);
        this.includedMdc = Set.copyOf(includedMdc);
        this.staticNames = staticNames;
        this.staticBytes = staticBytes;
        this.datasetBytes = datasetBytes;
    }

    /** Free text (the message): redacted, cut at the longest field length, or {@code null}. */
    void text(JsonBuffer out, String value) {
        if (value == null) {
            out.raw(NULL);
            return;
        }
        out.quoted(redactor.redactText(value), maxFieldLength);
    }

    /** The key/value arguments: SLF4J 2 pairs and {@link LogField}s among the message arguments. */
    void arguments(JsonBuffer out, Scratch s, List<org.slf4j.event.KeyValuePair> kvps, Object[] args) {
        if (kvps != null) {
            for (int i = 0, n = kvps.size(); i < n; i++) {
                org.slf4j.event.KeyValuePair kv = kvps.get(i);
                field(out, s, kv.key, kv.value);
            }
        }
        if (args != null) {
            for (Object arg : args) {
                if (arg instanceof LogField f) {
                    field(out, s, f.key(), f.value());
                }
            }
        }
    }

    /** The MDC entries, less the skipped keys. */
    void mdc(Scratch s, Map<String, String> mdc) {
        if (mdc != null && !mdc.isEmpty()) {
            // forEach with a reused callback: an entrySet iterator would be this encoder's only garbage
            s.mdc.writer = this;
            mdc.forEach(s.mdc);
            s.mdc.writer = null;
        }
    }

    /** The configured static fields not written yet, then the default {@code event.dataset} if none was. */
    void staticFields(JsonBuffer out, Scratch s) {
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
    }

    private void mdcField(Scratch s, String key, String value) {
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
            FieldName.Encoded encoded;
            if (name.sensitive) {
                out.raw(MASK);
            } else if ((encoded = name.encoded) != null && encoded.value == str) {
                out.raw(encoded.json); // the same instance again (MDC values repeat line after line)
            } else if (str == name.lastClean) {
                // second time in a row: scanned clean before; keep its JSON for the next time
                int start = out.len;
                out.quoted(str, maxFieldLength);
                if (str.length() <= 256) {
                    name.encoded = new FieldName.Encoded(str, Arrays.copyOfRange(out.buf, start, out.len));
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

    /** The encoded {@code ,"name":} and verdicts for a user field name; names repeat endlessly, so they are cached. */
    private FieldName fieldName(String key) {
        return names.get(key);
    }

    private FieldName newFieldName(String key) {
        JsonBuffer b = new JsonBuffer();
        b.raw((byte) ',');
        b.quoted(key, -1);
        b.raw((byte) ':');
        boolean skipInMdc = skippedMdc.contains(key) || (!includedMdc.isEmpty() && !includedMdc.contains(key));
        return new FieldName(key, b.toByteArray(), RESERVED.contains(key), redactor.isSensitiveKey(key), skipInMdc);
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
            text(out, String.valueOf(v));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The MDC's {@code forEach} callback, one per thread (in {@link Scratch}), pointed at the writer in use. */
    static final class MdcCallback implements BiConsumer<String, String> {
        private final Scratch scratch;
        FieldWriter writer;

        MdcCallback(Scratch scratch) {
            this.scratch = scratch;
        }

        @Override
        public void accept(String key, String value) {
            writer.mdcField(scratch, key, value);
        }
    }
}
