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
import io.fabstir.templates.TemplateFields;
import io.fabstir.templates.clash.Clash;
import io.fabstir.templates.clash.ClashCounter;
import io.fabstir.templates.clash.TypeClashResolver;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

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
 *   <li>{@code type_clash:<path>}: a value whose JSON type the index template would refuse ({@code "error": "boom"}
 *       where {@code error} is an object) is moved where ECS puts it, its original kept under
 *       {@code fabstir.original} ({@link TypeClashResolver}, docs/formats.md).</li>
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
    private final TimestampPolicy timestamps;
    private final TypeClashResolver clashes;
    private final TemplateFields template;
    private final FieldNames.Verdicts names = new FieldNames.Verdicts();

    private RecordNormalizer(Builder b) {
        this.maxDepth = b.maxDepth;
        this.maxFields = b.maxFields;
        this.timestamps = new TimestampPolicy(b.maxPast, b.maxFuture, b.clock);
        this.clashes = b.clashes;
        this.template = b.clashes.fields();
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
        return normalize(value, topic, partition, offset, recordTimestampMs, ClashCounter.NONE);
    }

    /**
     * As {@link #normalize(byte[], String, int, long, long)}, telling {@code clashCounter} of each type clash repaired
     * (the indexer's loop counts them under its sink's label).
     */
    public Normalized normalize(byte[] value, String topic, int partition, long offset, long recordTimestampMs,
                                ClashCounter clashCounter) {
        Instant reference = timestamps.reference(recordTimestampMs);
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
        TreeRepair walk = new TreeRepair(maxDepth, maxFields);
        if (duplicates) {
            walk.mark("duplicate_key");
        }
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        walk.copyObject((ObjectNode) tree, doc, "", 0, true);
        Instant timestamp = timestamps.repair(doc, walk.repairs, reference);
        String id = DocumentIds.of(doc, topic, partition, offset, walk.repairs);
        // After the timestamp and id policies, which read their own fields whatever their type.
        for (Clash c : clashes.resolve(doc, clashCounter)) {
            walk.mark(c.marker());
        }
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
     * original bytes. Anything unusual (or invalid), or a value whose shape the template refuses, returns null and
     * takes the full path. Each value's dotted path is checked against the template; below an object the template
     * says nothing about ({@link TemplateFields#constrainsBelow}) nothing is checked, so the flat dotted names the
     * edge writes cost one look-up each and allocate nothing.
     */
    private Normalized.Document cleanAsIs(byte[] value, Instant reference) {
        try (JsonParser p = STRICT.getFactory().createParser(value)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            int[] depthAt = new int[maxDepth + 2]; // segment depth of each open object
            String[] pathAt = new String[maxDepth + 2]; // dotted path of each open object + '.'; null: unconstrained
            pathAt[0] = "";
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
                int segments = names.segments(name);
                if (segments < 0 || (level == 0 && name.charAt(0) == '_')) {
                    return null;
                }
                int depth = depthAt[level] + segments;
                String path = pathAt[level] == null ? null : level == 0 ? name : pathAt[level].concat(name);
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT) {
                    if (depth >= maxDepth || (path != null && !template.accepts(path, true))) {
                        return null;
                    }
                    level++;
                    depthAt[level] = depth;
                    pathAt[level] = path != null && template.constrainsBelow(path) ? path + "." : null;
                    inEvent = level == 1 && name.equals("event");
                    continue;
                }
                if (v == JsonToken.START_ARRAY) {
                    boolean scalars = false;
                    JsonToken e;
                    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
                        if (e == JsonToken.START_OBJECT || e == JsonToken.START_ARRAY) {
                            return null; // objects in arrays: rare, leave them to the full path
                        }
                        scalars |= e != JsonToken.VALUE_NULL;
                    }
                    if (scalars && path != null && !template.accepts(path, false)) {
                        return null; // a list of scalars where the template has an object
                    }
                } else if (v != JsonToken.VALUE_NULL && path != null && !template.accepts(path, false)) {
                    return null; // a scalar where the template has an object, or below a leaf
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
            if (id == null || id.isBlank() || id.length() > DocumentIds.MAX_ID_BYTES / 4 || !id.equals(id.trim())) {
                return null;
            }
            Instant ts;
            if (tsToken == JsonToken.VALUE_STRING) {
                ts = CanonicalTimestamp.parse(tsText); // the edge's own form, nearly every record
                if (ts == null) {
                    ts = TimestampPolicy.parseInstant(JsonNodeFactory.instance.textNode(tsText));
                }
            } else if (tsToken == JsonToken.VALUE_NUMBER_INT) {
                ts = Instant.ofEpochMilli(tsNumber);
            } else {
                return null;
            }
            if (ts == null || !timestamps.inWindow(ts, reference)) {
                return null;
            }
            return new Normalized.Document(id, ts, value, List.of());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * When a record entered the pipeline: its Kafka timestamp, or the clock's now for a record without a plausible
     * one. Fixed for every redelivery of the record, so whatever is derived from it is too.
     */
    public Instant reference(long recordTimestampMs) {
        return timestamps.reference(recordTimestampMs);
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    public static final class Builder {
        private int maxDepth = 16;
        private int maxFields = 1000;
        private Duration maxPast = Duration.ofDays(365);
        private Duration maxFuture = Duration.ofDays(1);
        private Clock clock = Clock.systemUTC();
        private TypeClashResolver clashes = TypeClashResolver.forLogs();

        private Builder() {
        }

        /** How type clashes are repaired (default: against the bundled {@code fabstir-logs} templates). */
        public Builder typeClashes(TypeClashResolver clashes) {
            this.clashes = Objects.requireNonNull(clashes, "clashes");
            return this;
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
