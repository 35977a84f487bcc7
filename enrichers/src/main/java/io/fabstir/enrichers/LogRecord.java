package io.fabstir.enrichers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.Objects;

/**
 * One log record: a JSON object whose ECS names may be written flat ({@code "host.name": "a"}), nested
 * ({@code "host": {"name": "a"}}) or mixed. Reads accept every form; writes use the flat form of the record contract.
 * Not thread-safe.
 */
public final class LogRecord {

    static final ObjectMapper JSON = JsonMapper.builder().build();

    private final ObjectNode json;

    private LogRecord(ObjectNode json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** Wraps (does not copy) a JSON object. */
    public static LogRecord of(ObjectNode json) {
        return new LogRecord(json);
    }

    public static LogRecord empty() {
        return new LogRecord(JsonNodeFactory.instance.objectNode());
    }

    /**
     * Parses one JSON object.
     *
     * @throws IllegalArgumentException if the text is not a single JSON object
     */
    public static LogRecord parse(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object: "
                    + (node == null || node.isMissingNode() ? "empty" : node.getNodeType().name().toLowerCase()));
        }
        return new LogRecord((ObjectNode) node);
    }

    /** The underlying object, for enrichers that need the whole tree. */
    public ObjectNode json() {
        return json;
    }

    /** The value under a dotted name, written flat, nested or mixed; null when absent or JSON null. */
    public JsonNode get(String dottedName) {
        JsonNode n = find(json, dottedName);
        return n == null || n.isNull() || n.isMissingNode() ? null : n;
    }

    /** The value as text (numbers and booleans as written); null when absent or an object/array. */
    public String text(String dottedName) {
        JsonNode n = get(dottedName);
        return n == null || n.isContainerNode() ? null : n.asText();
    }

    public boolean has(String dottedName) {
        return get(dottedName) != null;
    }

    /** Sets a value under its flat name, removing a nested copy so the record has one value per name. */
    public LogRecord put(String dottedName, JsonNode value) {
        remove(dottedName);
        json.set(dottedName, value);
        return this;
    }

    public LogRecord put(String dottedName, String value) {
        return put(dottedName, value == null ? JsonNodeFactory.instance.nullNode() : TextNode.valueOf(value));
    }

    public LogRecord put(String dottedName, long value) {
        return put(dottedName, JsonNodeFactory.instance.numberNode(value));
    }

    public LogRecord put(String dottedName, boolean value) {
        return put(dottedName, JsonNodeFactory.instance.booleanNode(value));
    }

    /** Sets the value only when the record has none under that name (flat or nested). */
    public boolean putIfAbsent(String dottedName, String value) {
        if (has(dottedName)) {
            return false;
        }
        put(dottedName, value);
        return true;
    }

    /** Removes the value under a name in every form it is stored; returns the removed value or null. */
    public JsonNode remove(String dottedName) {
        return remove(json, dottedName);
    }

    /** Compact JSON, one line (the contract's wire form). */
    public String toJson() {
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] toJsonBytes() {
        try {
            return JSON.writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return toJson();
    }

    /** Flat key first, then every split of the name into an object prefix and a rest ("a.b.c" → a→"b.c", "a.b"→c). */
    private static JsonNode find(ObjectNode obj, String name) {
        JsonNode direct = obj.get(name);
        if (direct != null) {
            return direct;
        }
        for (int dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
            JsonNode child = obj.get(name.substring(0, dot));
            if (child instanceof ObjectNode o) {
                JsonNode found = find(o, name.substring(dot + 1));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static JsonNode remove(ObjectNode obj, String name) {
        JsonNode removed = obj.remove(name);
        for (int dot = name.indexOf('.'); dot > 0; dot = name.indexOf('.', dot + 1)) {
            String prefix = name.substring(0, dot);
            JsonNode child = obj.get(prefix);
            if (child instanceof ObjectNode o) {
                JsonNode r = remove(o, name.substring(dot + 1));
                if (r != null && removed == null) {
                    removed = r;
                }
                if (o.isEmpty()) {
                    obj.remove(prefix);
                }
            }
        }
        return removed;
    }
}
