package io.fabstir.shipper.normalize;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Field names Elasticsearch would refuse or misread: blank ones, leading, trailing or doubled dots, and its metadata
 * fields ({@code _id}, {@code _source}, ...). The check of a clean name allocates nothing: nearly every name is one.
 */
final class FieldNames {
    private FieldNames() {
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
    static boolean isCleanKey(String key) {
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

    static int segments(String key) {
        int n = 1;
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == '.') {
                n++;
            }
        }
        return n;
    }

    /**
     * The verdict on a name as the streaming check needs it, remembered: the same few dozen names come on every
     * record, and checking each one's characters three times was a visible share of index's CPU (issue 24).
     * Bounded, against a flood of distinct names. Thread-safe.
     */
    static final class Verdicts {
        private static final int LIMIT = 10_000;
        private final ConcurrentHashMap<String, Integer> known = new ConcurrentHashMap<>();

        /**
         * The name's dot-separated segments, or -1 when it is not kept as it is anywhere in a document (blank,
         * stray dots, or a metadata name); a leading {@code _} at the top level is the caller's to check.
         */
        int segments(String name) {
            Integer cached = known.get(name);
            if (cached != null) {
                return cached;
            }
            int verdict = name.isBlank() || (name.charAt(0) == '_' && isMetadataName(name))
                    || !name.equals(fixKey(name)) ? -1 : FieldNames.segments(name);
            if (known.size() < LIMIT) {
                known.put(name, verdict);
            }
            return verdict;
        }
    }

    static boolean isMetadataName(String name) {
        return switch (name) {
            case "_id", "_index", "_source", "_routing", "_type", "_version", "_seq_no", "_primary_term",
                 "_field_names", "_ignored", "_meta", "_doc", "_tier", "_data_stream_timestamp", "_nested_path",
                 "_feature", "_ignored_source", "_tsid", "_size" -> true;
            default -> false;
        };
    }
}
