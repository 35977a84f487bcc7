package io.fabstir.templates.clash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabstir.templates.TemplateFields;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settles the type clashes Elasticsearch would refuse a document for ("object mapping for [event] tried to parse
 * field [event] as object, but found a concrete value"), in place, before the document is indexed:
 * <ul>
 *   <li>a scalar where the template declares an object moves to the ECS field for it ({@link ScalarHomes}:
 *       {@code error} → {@code error.message}, {@code host} → {@code host.name}, …), or to
 *       {@code labels.<path_with_underscores>} where there is none or it is taken;</li>
 *   <li>an object where the template declares a leaf becomes its compact JSON text when the leaf is a string type
 *       ({@code keyword}, {@code text}), and is removed from the leaf otherwise;</li>
 *   <li>in every case the value as it was is kept under {@code fabstir.original.<path>} (stored, not indexed), and
 *       the {@link ClashCounter} is told.</li>
 * </ul>
 * Shapes come from {@link TemplateFields}, read from the template resources. Thread-safe.
 */
public final class TypeClashResolver {

    /** The object holding the values as they were, keyed by their dotted path; mapped {@code enabled: false}. */
    public static final String ORIGINAL = "fabstir.original";

    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("-?\\d+(\\.\\d+)?");

    private final TemplateFields fields;
    private final ClashCounter counter;

    private TypeClashResolver(TemplateFields fields, ClashCounter counter) {
        this.fields = fields;
        this.counter = counter;
    }

    /** For the daily log indices, with no counter. */
    public static TypeClashResolver forLogs() {
        return new TypeClashResolver(TemplateFields.logs(), ClashCounter.NONE);
    }

    public static TypeClashResolver of(TemplateFields fields, ClashCounter counter) {
        return new TypeClashResolver(Objects.requireNonNull(fields, "fields"),
                Objects.requireNonNull(counter, "counter"));
    }

    /** The template shapes it repairs against. */
    public TemplateFields fields() {
        return fields;
    }

    /**
     * Settles every clash in {@code doc} (flat, nested or mixed dotted names) and returns them; an empty list, and no
     * change, when there is none.
     */
    public List<Clash> resolve(ObjectNode doc) {
        return resolve(doc, counter);
    }

    /** As {@link #resolve(ObjectNode)}, telling {@code counter} (instead of this resolver's) of each clash. */
    public List<Clash> resolve(ObjectNode doc, ClashCounter counter) {
        List<Pending> pending = scan(doc, "", null);
        if (pending == null) {
            return List.of(); // the common case allocates nothing
        }
        List<Clash> clashes = new ArrayList<>(pending.size());
        ObjectNode originals = JsonNodeFactory.instance.objectNode();
        for (Pending p : pending) {
            JsonNode value = p.owner.remove(p.key);
            originals.set(p.path, value);
            String movedTo = switch (p.kind) {
                case SCALAR_FOR_OBJECT -> rehome(doc, p, value);
                case OBJECT_FOR_LEAF -> p.leaf.equals(p.path) ? asText(p, value) : null;
            };
            clashes.add(new Clash(p.path, p.kind, movedTo));
            counter.resolved(fields.declaredName(p.leaf), p.kind);
        }
        keepOriginals(doc, originals);
        return clashes;
    }

    /** A clash found while scanning: the value under {@code key} of {@code owner}. */
    private record Pending(ObjectNode owner, String key, String path, String leaf, ClashKind kind) {
    }

    /** Adds the clashes under {@code obj} to {@code out}, created on the first; returns it (null when none). */
    private List<Pending> scan(ObjectNode obj, String prefix, List<Pending> out) {
        Iterator<Map.Entry<String, JsonNode>> it = obj.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode value = e.getValue();
            if (value.isNull()) {
                continue; // Elasticsearch takes null anywhere
            }
            String path = prefix.isEmpty() ? e.getKey() : prefix + e.getKey();
            switch (fields.kind(path)) {
                case OBJECT -> {
                    if (value.isObject()) {
                        out = scan((ObjectNode) value, path + ".", out);
                    } else if (value.isArray() && allObjects(value)) {
                        for (JsonNode element : value) {
                            if (element instanceof ObjectNode o) {
                                out = scan(o, path + ".", out);
                            }
                        }
                    } else {
                        out = add(out, new Pending(obj, e.getKey(), path, path, ClashKind.SCALAR_FOR_OBJECT));
                    }
                }
                case LEAF -> {
                    if (value.isObject() || (value.isArray() && holdsContainer(value))) {
                        out = add(out, new Pending(obj, e.getKey(), path, path, ClashKind.OBJECT_FOR_LEAF));
                    }
                }
                case BELOW_LEAF -> out = add(out, new Pending(obj, e.getKey(), path, leafAbove(path),
                        ClashKind.OBJECT_FOR_LEAF));
                case FREE, UNMAPPED -> {
                    // nothing in the template constrains it (a dotted key reaching into the template is a path of
                    // its own and was classified above)
                }
            }
        }
        return out;
    }

    private static List<Pending> add(List<Pending> out, Pending p) {
        List<Pending> list = out == null ? new ArrayList<>(2) : out;
        list.add(p);
        return list;
    }

    /** Moves a scalar to its ECS field or a labels key; returns where it went, or null when nowhere was free. */
    private String rehome(ObjectNode doc, Pending p, JsonNode value) {
        if (!allScalars(value)) {
            return null; // a list mixing objects and scalars has no single home; it stays in fabstir.original
        }
        for (ScalarHomes.Home home : ScalarHomes.of(p.path)) {
            if ((!home.numbersOnly() || allNumbers(value)) && takes(fields.type(home.path()), value)
                    && find(doc, home.path()) == null) {
                put(doc, p, home.path(), value);
                return home.path();
            }
        }
        if (!p.path.equals("labels")) {
            String label = ScalarHomes.labelFor(p.path);
            if (find(doc, label) == null) {
                put(doc, p, label, value);
                return label;
            }
        }
        return null;
    }

    /** An object at a leaf: its JSON text where the leaf takes text, else nothing (the original keeps it). */
    private String asText(Pending p, JsonNode value) {
        String type = fields.type(p.path);
        if (isStringType(type)) {
            p.owner.set(p.key, TextNode.valueOf(value.toString()));
            return p.path;
        }
        return null;
    }

    /** Writes beside the clashing key when the target is under the same object, else at the top as a flat name. */
    private static void put(ObjectNode doc, Pending p, String target, JsonNode value) {
        String prefix = p.path.substring(0, p.path.length() - p.key.length());
        if (!prefix.isEmpty() && target.startsWith(prefix)) {
            p.owner.set(target.substring(prefix.length()), value);
        } else {
            doc.set(target, value);
        }
    }

    private static void keepOriginals(ObjectNode doc, ObjectNode originals) {
        ObjectNode into = null;
        if (doc.get(ORIGINAL) instanceof ObjectNode flat) {
            into = flat;
        } else if (doc.get("fabstir") instanceof ObjectNode f && f.get("original") instanceof ObjectNode nested) {
            into = nested;
        }
        if (into == null) {
            doc.set(ORIGINAL, originals);
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> it = originals.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            for (int n = 2; into.has(key); n++) {
                key = e.getKey() + "#" + n; // the edge already kept something under this name
            }
            into.set(key, e.getValue());
        }
    }

    private String leafAbove(String path) {
        for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
            String prefix = path.substring(0, dot);
            if (fields.kind(prefix) == TemplateFields.Kind.LEAF) {
                return prefix;
            }
        }
        return path;
    }

    /** The value under a dotted path in a document that mixes flat and nested names; null when absent. */
    static JsonNode find(ObjectNode obj, String path) {
        JsonNode direct = obj.get(path);
        if (direct != null && !direct.isNull()) {
            return direct;
        }
        for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
            if (obj.get(path.substring(0, dot)) instanceof ObjectNode child) {
                JsonNode found = find(child, path.substring(dot + 1));
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** Whether a leaf of this template type takes the scalar (or each scalar of the list). */
    static boolean takes(String type, JsonNode value) {
        if (type == null) {
            return false;
        }
        if (value.isArray()) {
            for (JsonNode v : value) {
                if (!takes(type, v)) {
                    return false;
                }
            }
            return true;
        }
        return switch (type) {
            case "long", "integer", "short", "byte", "unsigned_long" ->
                    value.isIntegralNumber() || (value.isTextual() && INTEGER.matcher(value.textValue()).matches());
            case "double", "float", "half_float", "scaled_float" ->
                    value.isNumber() || (value.isTextual() && DECIMAL.matcher(value.textValue()).matches());
            case "boolean" -> value.isBoolean()
                    || (value.isTextual() && (value.textValue().equals("true") || value.textValue().equals("false")));
            case "date" -> value.isTextual() || value.isNumber();
            case "ip" -> value.isTextual();
            default -> isStringType(type) && value.isValueNode();
        };
    }

    private static boolean isStringType(String type) {
        return type != null && switch (type) {
            case "keyword", "text", "match_only_text", "wildcard", "constant_keyword" -> true;
            default -> false;
        };
    }

    private static boolean allObjects(JsonNode array) {
        for (JsonNode v : array) {
            if (!v.isObject() && !v.isNull()) {
                return false;
            }
        }
        return true;
    }

    private static boolean holdsContainer(JsonNode array) {
        for (JsonNode v : array) {
            if (v.isContainerNode()) {
                return true;
            }
        }
        return false;
    }

    private static boolean allScalars(JsonNode value) {
        return value.isValueNode() || (value.isArray() && !holdsContainer(value));
    }

    private static boolean allNumbers(JsonNode value) {
        if (value.isArray()) {
            for (JsonNode v : value) {
                if (!v.isNumber()) {
                    return false;
                }
            }
            return !value.isEmpty();
        }
        return value.isNumber();
    }
}
