package io.fabstir.shipper.sink.loki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.shipper.normalize.Normalized;
import io.fabstir.shipper.sink.Sink;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one normalised document (JSON, flat dotted or nested keys) into a Loki entry: labels and structured metadata
 * from its fields, the line its JSON, and its timestamp the one the transform decided, which Elasticsearch indexes
 * too (a document whose {@code @timestamp} was repaired says so in {@code fabstir_timestamp_source}).
 */
final class RecordMapper {

    /** Loki's default {@code max_line_size}. */
    static final int DEFAULT_MAX_LINE_BYTES = 256 * 1024;
    static final List<String> DEFAULT_METADATA = List.of(
            "event_id=event.id", "trace_id=trace.id", "span_id=span.id", "fabstir_job_id=fabstir.job.id");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final LabelRules labels;
    private final List<LabelRules.Label> metadataFields;
    private final int maxLineBytes;

    RecordMapper(LabelRules labels, List<String> metadataSpecs, int maxLineBytes) {
        if (maxLineBytes < 256) {
            throw new IllegalArgumentException("max line size must be at least 256 bytes");
        }
        this.labels = labels;
        this.maxLineBytes = maxLineBytes;
        List<LabelRules.Label> md = new ArrayList<>();
        for (String raw : metadataSpecs) {
            String spec = raw.trim();
            int eq = spec.indexOf('=');
            String field = eq < 0 ? spec : spec.substring(eq + 1).trim();
            String name = eq < 0 ? LabelRules.sanitiseName(field) : spec.substring(0, eq).trim();
            if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                throw new IllegalArgumentException("structured metadata name '" + name + "' is not valid for Loki");
            }
            md.add(new LabelRules.Label(name, field));
        }
        this.metadataFields = List.copyOf(md);
    }

    /** Thrown for a record that cannot become a Loki entry; it goes to the DLQ with this message as reason. */
    static final class Unmappable extends Exception {
        final String errorType;

        Unmappable(String errorType, String message) {
            super(message);
            this.errorType = errorType;
        }
    }

    LogEntry map(Normalized.Document doc, Sink.Delivery delivery) throws Unmappable {
        byte[] value = doc.source();
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (Exception e) {
            throw new Unmappable("json_parse", "value is not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new Unmappable("json_parse", "value is not a JSON object");
        }
        LabelRules.FieldLookup lookup = field -> text(find(root, field));
        Map<String, String> stream = labels.streamOf(lookup);

        Map<String, String> metadata = new LinkedHashMap<>();
        for (LabelRules.Label f : metadataFields) {
            String v = lookup.get(f.field());
            if (v != null && !v.isBlank()) {
                metadata.put(f.name(), v);
            }
        }
        for (String repair : doc.repairs()) {
            if (repair.startsWith("timestamp:")) {
                metadata.put("fabstir_timestamp_source", "ingest");
            }
        }
        Instant t = doc.timestamp();
        long ts = Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
        String line = new String(value, StandardCharsets.UTF_8).strip();
        int lineBytes = value.length;
        if (lineBytes > maxLineBytes) {
            line = truncate(line, maxLineBytes);
            metadata.put("fabstir_truncated_from_bytes", Integer.toString(lineBytes));
        }
        return new LogEntry(stream, LabelRules.render(stream), ts, line, Map.copyOf(metadata), delivery);
    }

    /**
     * Cuts {@code line} so that it plus a marker fits {@code maxBytes} of UTF-8, never splitting a character. The
     * marker says how long the original was, so a reader knows the line is incomplete.
     */
    static String truncate(String line, int maxBytes) {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return line;
        }
        String marker = "…[truncated by fabstir-shipper: " + bytes.length + " bytes]";
        int budget = maxBytes - marker.getBytes(StandardCharsets.UTF_8).length;
        int cut = Math.max(0, budget);
        // Step back over UTF-8 continuation bytes (10xxxxxx) so the cut lands on a character boundary.
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80) {
            cut--;
        }
        return new String(bytes, 0, cut, StandardCharsets.UTF_8) + marker;
    }

    /** Looks a dotted name up flat first ({@code "log.level"}), then as nested objects, or any mix of the two. */
    static JsonNode find(JsonNode node, String path) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode direct = node.get(path);
        if (direct != null) {
            return direct;
        }
        for (int i = path.indexOf('.'); i > 0; i = path.indexOf('.', i + 1)) {
            JsonNode child = node.get(path.substring(0, i));
            if (child != null && child.isObject()) {
                JsonNode found = find(child, path.substring(i + 1));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isContainerNode()) {
            return null;
        }
        return n.asText();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
