package io.fabstir.shipper.normalize;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.enrichers.CanonicalTimestamp;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Makes a Kafka value safe to index. Thread-safe.
 *
 * <p>Repairs, each recorded in {@code fabstir.normalized}:
 * <ul>
 *   <li>{@code renamed:<key>}: a top-level name starting with {@code _} ({@code _id}, {@code _index}, …) would be
 *       refused as a metadata field; it moves to {@code fabstir.field.<key>}.</li>
 *   <li>{@code key_fixed}: leading, trailing or doubled dots are removed; a blank or dots-only name moves to
 *       {@code fabstir.field.blank}.</li>
 *   <li>{@code depth_limit} / {@code field_limit}: subtrees deeper than {@code maxDepth}, and leaves past
 *       {@code maxFields}, move into {@code fabstir.overflow}, which the template stores without mapping. The
 *       record contract's fields ({@link ContractFields}) are not counted against {@code maxFields} (they have
 *       their own budget of the same size), so they stay in place wherever they are in the line.</li>
 *   <li>{@code timestamp:<why>}: a missing, unparsable or out-of-window {@code @timestamp} becomes the ingest time;
 *       the original goes to {@code fabstir.original_timestamp}.</li>
 *   <li>{@code event_id_derived}: no {@code event.id}; one is derived from topic/partition/offset, stable across
 *       redelivery.</li>
 * </ul>
 *
 * <p>The timestamp window, and the ingest time a record falls back to, are taken from the Kafka record's own
 * timestamp (when the record entered the pipeline), not from the clock of the moment it is normalised: a record is
 * delivered again after an indexer crash or a rebalance, maybe seconds or hours later, and must be judged the same
 * way then, or a record near the edge of the window would be stored in two daily indices under one {@code _id}.
 */
public final class RecordNormalizer {
    static final String MARKERS = "fabstir.normalized";
    static final String OVERFLOW = "fabstir.overflow";
    static final String FIELD_PREFIX = "fabstir.field.";
    static final String ORIGINAL_TIMESTAMP = "fabstir.original_timestamp";
    private static final int MAX_ID_BYTES = 512;

    private static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();
    /** Last duplicate wins; used only after {@link #STRICT} found duplicates, which Elasticsearch would refuse. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final int maxDepth;
    private final int maxFields;
    private final Duration maxPast;
    private final Duration maxFuture;
    private final Clock clock;

    private RecordNormalizer(Builder b) {
        this.maxDepth = b.maxDepth;
        this.maxFields = b.maxFields;
        this.maxPast = b.maxPast;
        this.maxFuture = b.maxFuture;
        this.clock = b.clock;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static RecordNormalizer defaults() {
        return builder().build();
    }

    /**
     * As {@link #normalize(byte[], String, int, long, long)} for a value that has no Kafka timestamp: the window is
     * measured from the clock.
     */
    public Normalized normalize(byte[] value, String topic, int partition, long offset) {
        return normalize(value, topic, partition, offset, -1);
    }

    /**
     * Normalises one Kafka value; the position is used only to derive a missing {@code event.id}.
     *
     * @param recordTimestampMs the Kafka record's timestamp (epoch ms), from which the window is measured and which
     *                          a record without a usable {@code @timestamp} gets; negative, or itself outside the
     *                          window around the clock (a producer with a broken clock), means the clock's now
     */
    public Normalized normalize(byte[] value, String topic, int partition, long offset, long recordTimestampMs) {
        Instant reference = reference(recordTimestampMs);
        if (value == null || value.length == 0) {
            return new Normalized.Rejected("empty_value", "Kafka record has no value");
        }
        Normalized.Document clean = cleanAsIs(value, reference);
        if (clean != null) {
            return clean;
        }
        JsonNode tree;
        boolean duplicates = false;
        try {
            tree = STRICT.readTree(value);
        } catch (IOException strict) {
            try {
                tree = JSON.readTree(value);
                duplicates = true;
            } catch (IOException e) {
                return new Normalized.Rejected("not_json", "value is not valid JSON: " + firstLine(e.getMessage()));
            }
        }
        if (tree == null || !tree.isObject()) {
            return new Normalized.Rejected("not_json_object",
                    "value is JSON but not an object (" + (tree == null ? "empty" : tree.getNodeType()) + ")");
        }
        Walk walk = new Walk();
        if (duplicates) {
            walk.mark("duplicate_key");
        }
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        walk.copyObject((ObjectNode) tree, doc, "", 0, true);
        Instant timestamp = timestamp(doc, walk.repairs, reference);
        String id = id(doc, topic, partition, offset, walk.repairs);
        if (walk.overflow != null) {
            doc.set(OVERFLOW, walk.overflow);
        }
        byte[] source;
        if (walk.repairs.isEmpty()) {
            source = value; // unchanged: skip re-serialising on the common path
        } else {
            ArrayNode markers = doc.putArray(MARKERS);
            walk.repairs.forEach(markers::add);
            try {
                source = JSON.writeValueAsBytes(doc);
            } catch (IOException e) {
                return new Normalized.Rejected("serialization", e.getMessage());
            }
        }
        return new Normalized.Document(id, timestamp, source, List.copyOf(walk.repairs));
    }

    /**
     * The common case, checked with a streaming scan and no tree: a record that needs no repair is returned with its
     * original bytes. Anything unusual (or invalid) returns null and takes the full path.
     */
    private Normalized.Document cleanAsIs(byte[] value, Instant reference) {
        try (JsonParser p = STRICT.getFactory().createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int[] depthAt = new int[maxDepth + 2]; // segment depth of each open object
            int level = 0;
            int fields = 0;
            boolean inEvent = false;
            String id = null;
            String nestedId = null;
            JsonToken tsToken = null;
            String tsText = null;
            long tsNumber = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.END_OBJECT) {
                    if (level == 0) {
                        break;
                    }
                    level--;
                    inEvent = false;
                    continue;
                }
                String name = p.currentName(); // t is FIELD_NAME
                if (name.isBlank() || (name.charAt(0) == '_' && (level == 0 || isMetadataName(name)))
                        || !name.equals(fixKey(name))) {
                    return null;
                }
                int depth = depthAt[level] + segments(name);
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT) {
                    if (depth >= maxDepth) {
                        return null;
                    }
                    level++;
                    depthAt[level] = depth;
                    inEvent = level == 1 && name.equals("event");
                    continue;
                }
                if (v == JsonToken.START_ARRAY) {
                    JsonToken e;
                    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (e == JsonToken.START_OBJECT || e == JsonToken.START_ARRAY) {
                            return null; // objects in arrays: rare, leave them to the full path
                        }
                    }
                } else if (level == 0 && name.equals("@timestamp")) {
                    tsToken = v;
                    if (v == JsonToken.VALUE_STRING) {
                        tsText = p.getText();
                    } else if (v == JsonToken.VALUE_NUMBER_INT) {
                        tsNumber = p.getLongValue();
                    }
                } else if (level == 0 && name.equals("event.id") && v.isScalarValue()) {
                    id = p.getText();
                } else if (inEvent && name.equals("id") && v.isScalarValue()) {
                    nestedId = p.getText();
                }
                if (++fields > maxFields) {
                    return null;
                }
            }
            if (p.nextToken() != null) {
                return null;
            }
            if (id == null) {
                id = nestedId;
            }
            if (id == null || id.isBlank() || id.length() > MAX_ID_BYTES / 4 || !id.equals(id.trim())) {
                return null;
            }
            Instant ts;
            if (tsToken == JsonToken.VALUE_STRING) {
                ts = CanonicalTimestamp.parse(tsText); // the edge's own form, nearly every record
                if (ts == null) {
                    ts = parseInstant(JsonNodeFactory.instance.textNode(tsText));
                }
            } else if (tsToken == JsonToken.VALUE_NUMBER_INT) {
                ts = Instant.ofEpochMilli(tsNumber);
            } else {
                return null;
            }
            if (ts == null || !inWindow(ts, reference)) {
                return null;
            }
            return new Normalized.Document(id, ts, value, List.of());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private Instant timestamp(ObjectNode doc, List<String> repairs, Instant reference) {
        JsonNode raw = doc.get("@timestamp");
        String problem;
        Instant parsed = null;
        if (raw == null || raw.isNull()) {
            problem = "missing";
        } else {
            parsed = parseInstant(raw);
            if (parsed == null) {
                problem = "unparsable";
            } else if (!inWindow(parsed, reference)) {
                problem = "out_of_range";
            } else {
                return parsed; // Elasticsearch's default date format reads the same forms (ISO, epoch millis)
            }
        }
        if (raw != null && !raw.isNull()) {
            doc.put(ORIGINAL_TIMESTAMP, raw.isTextual() ? raw.asText() : raw.toString());
        }
        doc.put("@timestamp", reference.toString());
        repairs.add("timestamp:" + problem);
        return reference;
    }

    private boolean inWindow(Instant t, Instant reference) {
        return !t.isBefore(reference.minus(maxPast)) && !t.isAfter(reference.plus(maxFuture));
    }

    /**
     * When a record entered the pipeline: its Kafka timestamp, or the clock's now for a record without a plausible
     * one. Fixed for every redelivery of the record, so whatever is derived from it is too.
     */
    public Instant reference(long recordTimestampMs) {
        Instant now = clock.instant();
        if (recordTimestampMs < 0) {
            return now;
        }
        Instant t = Instant.ofEpochMilli(recordTimestampMs);
        return inWindow(t, now) ? t : now;
    }

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    static Instant parseInstant(JsonNode raw) {
        try {
            if (raw.isIntegralNumber()) {
                return Instant.ofEpochMilli(raw.asLong());
            }
            if (!raw.isTextual()) {
                return null;
            }
            String s = raw.asText().trim();
            if (s.isEmpty()) {
                return null;
            }
            Instant canonical = CanonicalTimestamp.parse(s);
            if (canonical != null) {
                return canonical;
            }
            if (s.length() <= 15 && allDigits(s)) {
                return Instant.ofEpochMilli(Long.parseLong(s));
            }
            try {
                return OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
            } catch (DateTimeException e) {
                // Elasticsearch reads a zone-less date-time as UTC; do the same.
                return LocalDateTime.parse(s, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC);
            }
        } catch (DateTimeException | NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static String id(ObjectNode doc, String topic, int partition, long offset, List<String> repairs) {
        JsonNode flat = doc.get("event.id");
        JsonNode nested = doc.path("event").path("id");
        JsonNode raw = flat != null ? flat : nested;
        String id = raw != null && raw.isValueNode() && !raw.isNull() ? raw.asText().trim() : "";
        if (id.isEmpty()) {
            id = "kafka-" + topic + "-" + partition + "-" + offset;
            if (doc.path("event").isObject()) {
                ((ObjectNode) doc.get("event")).put("id", id);
            } else {
                doc.put("event.id", id);
            }
            repairs.add("event_id_derived");
        } else if (id.getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
            id = "sha256-" + sha256(id); // Elasticsearch caps _id at 512 bytes
            repairs.add("event_id_hashed");
        }
        return id;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** State of one document's walk. */
    private final class Walk {
        final List<String> repairs = new ArrayList<>();
        ObjectNode overflow;
        int fields;
        int contractFields;
        int blanks;

        void copyObject(ObjectNode from, ObjectNode to, String path, int depth, boolean root) {
            Iterator<Map.Entry<String, JsonNode>> it = from.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                JsonNode value = e.getValue();
                String fixed = fixKey(key);
                if (fixed == null) {
                    fixed = FIELD_PREFIX + "blank" + (blanks++ == 0 ? "" : "_" + blanks);
                    mark("key_fixed");
                    if (!root) {
                        overflow(path.isEmpty() ? fixed : path + "." + fixed, value);
                        continue;
                    }
                } else if (!fixed.equals(key)) {
                    mark("key_fixed");
                }
                if (root && fixed.startsWith("_")) {
                    mark("renamed:" + fixed);
                    fixed = FIELD_PREFIX + fixed;
                } else if (!root && fixed.startsWith("_") && isMetadataName(fixed)) {
                    mark("renamed:" + fixed);
                    fixed = "field" + fixed;
                }
                if (to.has(fixed)) { // two source names collapsed into one: keep both
                    overflow(path.isEmpty() ? key : path + "." + key, value);
                    mark("key_collision");
                    continue;
                }
                String childPath = path.isEmpty() ? fixed : path + "." + fixed;
                int childDepth = depth + segments(fixed);
                JsonNode copied = copyValue(value, childPath, childDepth);
                if (copied != null) {
                    to.set(fixed, copied);
                }
            }
        }

        /** Returns the value to store, or null when it went to the overflow. */
        JsonNode copyValue(JsonNode value, String path, int depth) {
            if (value.isObject()) {
                if (depth >= maxDepth && value.size() > 0) {
                    overflow(path, value);
                    mark("depth_limit");
                    return null;
                }
                ObjectNode child = JsonNodeFactory.instance.objectNode();
                copyObject((ObjectNode) value, child, path, depth, false);
                return child;
            }
            if (value.isArray()) {
                ArrayNode out = JsonNodeFactory.instance.arrayNode();
                for (JsonNode element : value) {
                    if (element.isContainerNode() && depth >= maxDepth) {
                        overflow(path, value);
                        mark("depth_limit");
                        return null;
                    }
                    if (element.isObject()) {
                        ObjectNode child = JsonNodeFactory.instance.objectNode();
                        copyObject((ObjectNode) element, child, path, depth, false);
                        out.add(child);
                    } else if (element.isArray()) {
                        // Elasticsearch flattens nested arrays; each level still counts towards depth.
                        JsonNode inner = copyValue(element, path, depth + 1);
                        if (inner == null) {
                            return null;
                        }
                        out.add(inner);
                    } else {
                        out.add(element);
                    }
                }
                return countLeaf(path, value) ? out : null;
            }
            return countLeaf(path, value) ? value : null;
        }

        /**
         * Counts a leaf against the field limit; false (and moved to the overflow) past it. Contract fields have a
         * budget of their own, so the leaves before them in the line can never crowd them out; it is bounded too,
         * so a map logged under {@code fabstir.job.*} cannot explode the mapping either.
         */
        boolean countLeaf(String path, JsonNode value) {
            boolean contract = ContractFields.isContract(path);
            if (contract ? ++contractFields <= maxFields : ++fields <= maxFields) {
                return true;
            }
            overflow(path, value);
            mark("field_limit");
            return false;
        }

        void overflow(String path, JsonNode value) {
            if (overflow == null) {
                overflow = JsonNodeFactory.instance.objectNode();
            }
            overflow.set(path, value);
        }

        void mark(String repair) {
            if (!repairs.contains(repair)) {
                repairs.add(repair);
            }
        }
    }

    /** Cleans a field name; null when nothing usable is left (blank or dots only). */
    static String fixKey(String key) {
        if (isCleanKey(key)) {
            return key; // the hot path: no allocation
        }
        if (key.isBlank()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(key.length());
        for (String part : key.split("\\.")) {
            if (part.isBlank()) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(part);
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    /** Every dot-separated segment has a non-whitespace character (so no empty, leading, trailing or double dot). */
    private static boolean isCleanKey(String key) {
        boolean segmentHasText = false;
        for (int i = 0, n = key.length(); i < n; i++) {
            char c = key.charAt(i);
            if (c == '.') {
                if (!segmentHasText) {
                    return false;
                }
                segmentHasText = false;
            } else if (!segmentHasText && !Character.isWhitespace(c)) {
                segmentHasText = true;
            }
        }
        return segmentHasText;
    }

    private static int segments(String key) {
        int n = 1;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == '.') {
                n++;
            }
        }
        return n;
    }

    private static boolean isMetadataName(String name) {
        return switch (name) {
            case "_id", "_index", "_source", "_routing", "_type", "_version", "_seq_no", "_primary_term",
                 "_field_names", "_ignored", "_meta", "_doc", "_tier", "_data_stream_timestamp", "_nested_path",
                 "_feature", "_ignored_source", "_tsid", "_size" -> true;
            default -> false;
        };
    }

    public static final class Builder {
        private int maxDepth = 16;
        private int maxFields = 1000;
        private Duration maxPast = Duration.ofDays(365);
        private Duration maxFuture = Duration.ofDays(1);
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** Deepest object path kept in place (default 16; the template refuses past 20). */
        public Builder maxDepth(int maxDepth) {
            if (maxDepth < 2) {
                throw new IllegalArgumentException("maxDepth must be >= 2");
            }
            this.maxDepth = maxDepth;
            return this;
        }

        /** Leaf fields kept in place per record (default 1000; the template allows 2000 per index). */
        public Builder maxFields(int maxFields) {
            if (maxFields < 10) {
                throw new IllegalArgumentException("maxFields must be >= 10");
            }
            this.maxFields = maxFields;
            return this;
        }

        /** Oldest accepted {@code @timestamp} relative to the record's Kafka timestamp (default 365 days). */
        public Builder maxPast(Duration maxPast) {
            this.maxPast = maxPast;
            return this;
        }

        /** Furthest-future accepted {@code @timestamp}, from the Kafka timestamp (default 1 day, for skewed clocks). */
        public Builder maxFuture(Duration maxFuture) {
            this.maxFuture = maxFuture;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        public RecordNormalizer build() {
            return new RecordNormalizer(this);
        }
    }
}
