package io.fabstir.templates;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the index template says about a dotted field path: an object, a leaf of some type, or nothing. Read from the
 * bundled template resources themselves (the {@code composed_of} components of {@code fabstir-logs}, in order), so
 * code that needs to know a field's shape cannot drift from what Elasticsearch will enforce. Immutable and
 * thread-safe.
 *
 * <p>Declared {@code properties} give objects and leaves; an object with {@code "enabled": false} stores what is
 * below it unparsed; a dynamic template with a {@code path_match} and a non-object mapping ({@code labels.*} →
 * keyword) makes every path it matches a leaf, as Elasticsearch maps it.
 */
public final class TemplateFields {

    /** The shape of one path. */
    public enum Kind {
        /** declared with sub-fields ({@code properties}, or {@code "type": "object"}): a scalar there is refused */
        OBJECT,
        /** declared, or matched by a dynamic template, with a leaf type: an object there is refused */
        LEAF,
        /** a proper prefix is a leaf: whatever is written here is an object under that leaf, refused */
        BELOW_LEAF,
        /** under an object with {@code "enabled": false}: stored, never parsed, never refused */
        FREE,
        /** not in the template: dynamic mapping decides (first writer in each daily index wins) */
        UNMAPPED
    }

    private static final String OBJECT_TYPE = "object";

    private final Map<String, String> leaves;          // path → leaf type
    private final Set<String> objects;                  // declared object paths
    private final Set<String> disabled;                 // objects with enabled: false
    private final List<String[]> dynamicLeaves;         // {path_match prefix (ends with '.'), type}

    private TemplateFields(Map<String, String> leaves, Set<String> objects, Set<String> disabled,
                           List<String[]> dynamicLeaves) {
        this.leaves = leaves;
        this.objects = objects;
        this.disabled = disabled;
        this.dynamicLeaves = dynamicLeaves;
    }

    /** The fields of the daily log indices ({@code fabstir-logs-*}), from the bundled resources. */
    public static TemplateFields logs() {
        ObjectNode index = TemplateResources.load("index", TemplateResources.LOGS_TEMPLATE);
        List<JsonNode> mappings = new ArrayList<>();
        for (JsonNode name : index.path("composed_of")) {
            mappings.add(TemplateResources.load("component", name.asText()).path("template").path("mappings"));
        }
        return of(mappings);
    }

    /** The fields of these {@code mappings} bodies, merged in order (as composed templates are). */
    public static TemplateFields of(List<? extends JsonNode> mappings) {
        Map<String, String> leaves = new HashMap<>();
        Set<String> objects = new TreeSet<>();
        Set<String> disabled = new TreeSet<>();
        List<String[]> dynamic = new ArrayList<>();
        for (JsonNode m : mappings) {
            walk(m.path("properties"), "", leaves, objects, disabled);
            for (JsonNode entry : m.path("dynamic_templates")) {
                Iterator<JsonNode> it = entry.elements();
                while (it.hasNext()) {
                    JsonNode t = it.next();
                    String match = t.path("path_match").asText("");
                    String type = t.path("mapping").path("type").asText("");
                    // Only "prefix.*" patterns give a shape by path; match_mapping_type templates depend on the value.
                    if (match.endsWith(".*") && match.indexOf('*') == match.length() - 1 && !type.isEmpty()
                            && !type.equals(OBJECT_TYPE) && !t.has("match_mapping_type")) {
                        dynamic.add(new String[] {match.substring(0, match.length() - 1), type});
                    }
                }
            }
        }
        return new TemplateFields(Map.copyOf(leaves), Collections.unmodifiableSet(objects),
                Collections.unmodifiableSet(disabled), List.copyOf(dynamic));
    }

    private static void walk(JsonNode properties, String prefix, Map<String, String> leaves, Set<String> objects,
                             Set<String> disabled) {
        Iterator<Map.Entry<String, JsonNode>> it = properties.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = prefix + e.getKey();
            JsonNode def = e.getValue();
            String type = def.path("type").asText(OBJECT_TYPE);
            if (def.has("properties") || type.equals(OBJECT_TYPE) || type.equals("nested")) {
                objects.add(path);
                if (def.path("enabled").isBoolean() && !def.path("enabled").booleanValue()) {
                    disabled.add(path);
                }
                walk(def.path("properties"), path + ".", leaves, objects, disabled);
            } else {
                leaves.put(path, type);
            }
        }
    }

    /** The shape of a dotted path ({@code "error.message"}), however the record spells it (flat or nested). */
    public Kind kind(String path) {
        if (leaves.containsKey(path)) {
            return Kind.LEAF;
        }
        if (objects.contains(path)) {
            return underDisabled(path, path.length()) ? Kind.FREE : Kind.OBJECT;
        }
        if (dynamicType(path) != null) {
            return Kind.LEAF; // labels.x: checked before the prefix walk, which allocates (the indexer's hot path)
        }
        for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
            String prefix = path.substring(0, dot);
            if (leaves.containsKey(prefix) || dynamicType(prefix) != null) {
                return Kind.BELOW_LEAF;
            }
            if (disabled.contains(prefix)) {
                return Kind.FREE;
            }
        }
        return Kind.UNMAPPED;
    }

    /** A disabled object strictly above {@code path} (the disabled object itself still refuses a scalar). */
    private boolean underDisabled(String path, int end) {
        for (int dot = path.indexOf('.'); dot > 0 && dot < end; dot = path.indexOf('.', dot + 1)) {
            if (disabled.contains(path.substring(0, dot))) {
                return true;
            }
        }
        return false;
    }

    /** The leaf type ({@code keyword}, {@code text}, {@code long}, {@code date}, …) of a leaf path, else null. */
    public String type(String path) {
        String t = leaves.get(path);
        return t != null ? t : kind(path) == Kind.LEAF ? dynamicType(path) : null;
    }

    /**
     * Whether Elasticsearch would accept a value of this shape at this path, as far as the template decides: false
     * for a scalar where an object is declared, an object where a leaf is, and anything below a leaf.
     */
    public boolean accepts(String path, boolean objectValue) {
        return switch (kind(path)) {
            case OBJECT -> objectValue;
            case LEAF -> !objectValue;
            case BELOW_LEAF -> false;
            case FREE, UNMAPPED -> true;
        };
    }

    /**
     * Whether the template says anything about the paths below this one: true for a declared object that is not
     * {@code enabled: false} (nor below one); false for a leaf, a disabled object and an undeclared path. Everything
     * below an undeclared path is undeclared too (the template's property names have no dots, so the parents of every
     * declared path are declared objects), so a streaming check can skip such a subtree whole.
     */
    public boolean constrainsBelow(String path) {
        return objects.contains(path) && !disabled.contains(path) && !underDisabled(path, path.length());
    }

    /**
     * The template's name for a path, bounded in number (for metric labels): the declared path, or the dynamic
     * template's pattern ({@code labels.*}) for a path only a pattern matches.
     */
    public String declaredName(String path) {
        if (leaves.containsKey(path) || objects.contains(path)) {
            return path;
        }
        for (String[] d : dynamicLeaves) {
            if (path.startsWith(d[0])) {
                return d[0] + "*";
            }
        }
        return "other";
    }

    /** Every declared object path, sorted. */
    public Set<String> objectPaths() {
        return objects;
    }

    /** Every declared leaf path with its type, sorted by path. */
    public Map<String, String> leafPaths() {
        Map<String, String> sorted = new LinkedHashMap<>();
        new TreeSet<>(leaves.keySet()).forEach(p -> sorted.put(p, leaves.get(p)));
        return Collections.unmodifiableMap(sorted);
    }

    private String dynamicType(String path) {
        for (String[] d : dynamicLeaves) {
            // labels.* matches labels.x but not labels itself; below labels.x is BELOW_LEAF via the prefix loop
            if (path.length() > d[0].length() && path.startsWith(d[0])
                    && path.indexOf('.', d[0].length()) < 0) {
                return d[1];
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "TemplateFields[" + objects.size() + " objects, " + leaves.size() + " leaves]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TemplateFields t && leaves.equals(t.leaves) && objects.equals(t.objects)
                && disabled.equals(t.disabled);
    }

    @Override
    public int hashCode() {
        return Objects.hash(leaves, objects, disabled);
    }
}
