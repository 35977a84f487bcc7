package io.fabstir.shipper.sink.loki;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Which record fields become Loki stream labels, and how their names and values are made valid and bounded.
 * Loki indexes only labels, so every distinct label combination is a new stream: the set must stay small.
 */
final class LabelRules {

    /** Loki's default {@code max_label_names_per_series}. */
    static final int MAX_LABELS = 15;
    /** Loki's default {@code max_label_value_length} is 2048; real values here are short, so cap well below. */
    static final int MAX_VALUE_CHARS = 256;
    /** Value used once a label has seen more distinct values than allowed, so cardinality stays bounded. */
    static final String OVERFLOW_VALUE = "_other_";

    static final List<String> DEFAULT_LABELS = List.of(
            "service_name=service.name", "level=log.level", "event_dataset=event.dataset", "node_id=fabstir.node_id");

    /** Fields that are unique (or nearly) per record: as labels they would create a stream per record. */
    private static final Set<String> UNBOUNDED_FIELDS = Set.of(
            "event.id", "trace.id", "span.id", "transaction.id", "fabstir.job.id", "user.id", "message",
            "error.message", "error.stack_trace", "@timestamp", "event.duration", "event.created", "event.ingested",
            "log.offset", "fabstir.job.tokens_used", "url.full", "url.path", "http.request.id");
    private static final Pattern UNBOUNDED_SUFFIX = Pattern.compile(
            ".*(\\.id|\\.duration|\\.timestamp|\\.message|\\.stack_trace|\\.tokens_used|\\.bytes|\\.offset|\\.uuid)$");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final List<Label> labels;
    private final int maxValuesPerLabel;
    private final Map<String, Set<String>> seenValues = new HashMap<>();

    record Label(String name, String field) {}

    private LabelRules(List<Label> labels, int maxValuesPerLabel) {
        this.labels = labels;
        this.maxValuesPerLabel = maxValuesPerLabel;
    }

    static LabelRules defaults() {
        return of(DEFAULT_LABELS, 1000);
    }

    /**
     * Builds rules from {@code name=field} or bare {@code field} specs (name derived from the field).
     *
     * @throws IllegalArgumentException naming the spec when a label would be unbounded, invalid or duplicated
     */
    static LabelRules of(List<String> specs, int maxValuesPerLabel) {
        if (specs.isEmpty()) {
            throw new IllegalArgumentException("at least one label is needed (Loki rejects a stream without labels)");
        }
        if (specs.size() > MAX_LABELS) {
            throw new IllegalArgumentException(specs.size() + " labels configured; Loki accepts at most " + MAX_LABELS
                    + " per stream and a few is what keeps queries fast");
        }
        if (maxValuesPerLabel < 1) {
            throw new IllegalArgumentException("max distinct values per label must be at least 1");
        }
        List<Label> out = new ArrayList<>();
        Set<String> names = new java.util.HashSet<>();
        for (String raw : specs) {
            String spec = raw.trim();
            int eq = spec.indexOf('=');
            String field = (eq < 0 ? spec : spec.substring(eq + 1)).trim();
            String name = (eq < 0 ? sanitiseName(field) : spec.substring(0, eq).trim());
            if (field.isEmpty()) {
                throw new IllegalArgumentException("label '" + spec + "' names no field");
            }
            if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__")) {
                throw new IllegalArgumentException("label name '" + name + "' is not valid for Loki"
                        + " (must match [a-zA-Z_][a-zA-Z0-9_]* and not start with __)");
            }
            if (isUnbounded(field)) {
                throw new IllegalArgumentException("label '" + spec + "' would be unbounded: '" + field
                        + "' has a new value for (nearly) every record; put it in structured metadata instead");
            }
            if (!names.add(name)) {
                throw new IllegalArgumentException("label name '" + name + "' is configured twice");
            }
            out.add(new Label(name, field));
        }
        return new LabelRules(List.copyOf(out), maxValuesPerLabel);
    }

    static boolean isUnbounded(String field) {
        String f = field.toLowerCase(Locale.ROOT);
        return UNBOUNDED_FIELDS.contains(f) || UNBOUNDED_SUFFIX.matcher(f).matches();
    }

    List<Label> labels() {
        return labels;
    }

    /**
     * The stream labels of one record, sorted by name. A field that is absent leaves its label out (Loki treats an
     * empty value as no label); if no label has a value the stream is {@code service_name="unknown_service"}.
     */
    synchronized Map<String, String> streamOf(FieldLookup record) {
        TreeMap<String, String> out = new TreeMap<>();
        for (Label label : labels) {
            String value = record.get(label.field());
            if (value == null) {
                continue;
            }
            value = sanitiseValue(label, value);
            if (!value.isEmpty()) {
                out.put(label.name(), bound(label.name(), value));
            }
        }
        if (out.isEmpty()) {
            out.put("service_name", "unknown_service");
        }
        return Collections.unmodifiableMap(out);
    }

    private String bound(String name, String value) {
        Set<String> seen = seenValues.computeIfAbsent(name, n -> new java.util.HashSet<>());
        if (seen.contains(value)) {
            return value;
        }
        if (seen.size() >= maxValuesPerLabel) {
            return OVERFLOW_VALUE;
        }
        seen.add(value);
        return value;
    }

    /** Field name to a Loki label name: dots and other invalid characters become underscores. */
    static String sanitiseName(String field) {
        StringBuilder sb = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            sb.append(ok ? c : '_');
        }
        String s = sb.toString();
        while (s.startsWith("__")) {
            s = s.substring(1);
        }
        return s.isEmpty() ? "_" : s;
    }

    /** Trimmed, control characters removed, length capped; {@code level} lower-cased as Grafana expects. */
    static String sanitiseValue(Label label, String value) {
        StringBuilder sb = new StringBuilder(Math.min(value.length(), MAX_VALUE_CHARS));
        for (int i = 0; i < value.length() && sb.length() < MAX_VALUE_CHARS; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c)) {
                continue;
            }
            if (Character.isSurrogate(c)) {
                // Keep only complete pairs so the value stays valid UTF-8.
                if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))
                        && sb.length() + 2 <= MAX_VALUE_CHARS) {
                    sb.append(c).append(value.charAt(++i));
                }
                continue;
            }
            sb.append(c);
        }
        String s = sb.toString().trim();
        return label.name().equals("level") ? s.toLowerCase(Locale.ROOT) : s;
    }

    /** Loki's text form of a label set, as in the protobuf {@code labels} field: {@code {a="x", b="y"}}. */
    static String render(Map<String, String> stream) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(stream).entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append("=\"");
            String v = e.getValue();
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(c);
                }
            }
            sb.append('"');
        }
        return sb.append('}').toString();
    }

    /** A minimal stream for entries Loki refused because of their labels: bounded, and always valid. */
    static Map<String, String> fallbackStream(Map<String, String> stream) {
        Map<String, String> out = new LinkedHashMap<>();
        String service = stream.getOrDefault("service_name", "unknown_service");
        out.put("service_name", service.replaceAll("[^a-zA-Z0-9_.-]", "_"));
        out.put("fabstir_relabeled", "true");
        return out;
    }

    /** Reads a (possibly dotted or nested) field of a record as text. */
    interface FieldLookup {
        String get(String field);
    }
}
