package io.fabstir.shipper.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The slow path's walk over one document that needs repairs: copies it, renaming metadata-like and blank names,
 * cleaning dots, and moving subtrees past {@code maxDepth} and leaves past {@code maxFields} into
 * {@code fabstir.overflow}; the record contract's fields ({@link ContractFields}) have a budget of their own. One
 * instance per document.
 */
final class TreeRepair {
    private final int maxDepth;
    private final int maxFields;

    TreeRepair(int maxDepth, int maxFields) {
        this.maxDepth = maxDepth;
        this.maxFields = maxFields;
    }

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
            String fixed = FieldNames.fixKey(key);
            if (fixed == null) {
                fixed = RecordNormalizer.FIELD_PREFIX + "blank" + (blanks++ == 0 ? "" : "_" + blanks);
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
                fixed = RecordNormalizer.FIELD_PREFIX + fixed;
            } else if (!root && fixed.startsWith("_") && FieldNames.isMetadataName(fixed)) {
                mark("renamed:" + fixed);
                fixed = "field" + fixed;
            }
            if (to.has(fixed)) { // two source names collapsed into one: keep both
                overflow(path.isEmpty() ? key : path + "." + key, value);
                mark("key_collision");
                continue;
            }
            String childPath = path.isEmpty() ? fixed : path + "." + fixed;
            int childDepth = depth + FieldNames.segments(fixed);
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
