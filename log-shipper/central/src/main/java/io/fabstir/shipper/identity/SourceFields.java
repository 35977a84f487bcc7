package io.fabstir.shipper.identity;

import java.nio.charset.StandardCharsets;

/**
 * Adds fields at the front of a JSON object's bytes without parsing it: the identity fields the indexer writes on
 * the common path (a node id the record lacked, the content hash, a flag), where a parse and re-serialisation per
 * record would cost more than all the rest of the transform.
 */
public final class SourceFields {
    private static final byte[] FLAGS_START = ("{\"" + Provenance.FLAGS + "\":[").getBytes(StandardCharsets.UTF_8);

    private SourceFields() {
    }

    /**
     * {@code members} (one or more {@code "name":value} pairs, comma-separated, already JSON) as the first fields of
     * the object {@code json}.
     */
    public static byte[] lead(byte[] json, String members) {
        int open = 0;
        while (open < json.length && json[open] != '{') {
            open++;
        }
        if (open == json.length) {
            throw new IllegalArgumentException("not a JSON object");
        }
        int next = open + 1;
        while (next < json.length && isSpace(json[next])) {
            next++;
        }
        boolean empty = next < json.length && json[next] == '}';
        byte[] m = members.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[json.length + m.length + (empty ? 0 : 1)];
        System.arraycopy(json, 0, out, 0, open + 1);
        System.arraycopy(m, 0, out, open + 1, m.length);
        int at = open + 1 + m.length;
        if (!empty) {
            out[at++] = ',';
        }
        System.arraycopy(json, open + 1, out, at, json.length - open - 1);
        return out;
    }

    /**
     * Adds {@code flag} to {@code fabstir.flags}: into the list when it is the object's first field (as
     * {@link Provenance} writes it), else as a new first field.
     */
    public static byte[] flag(byte[] json, String flag) {
        String item = "\"" + flag + "\"";
        if (startsWith(json, FLAGS_START)) {
            boolean emptyList = json.length > FLAGS_START.length && json[FLAGS_START.length] == ']';
            byte[] m = (emptyList ? item : item + ",").getBytes(StandardCharsets.UTF_8);
            byte[] out = new byte[json.length + m.length];
            System.arraycopy(json, 0, out, 0, FLAGS_START.length);
            System.arraycopy(m, 0, out, FLAGS_START.length, m.length);
            System.arraycopy(json, FLAGS_START.length, out, FLAGS_START.length + m.length,
                    json.length - FLAGS_START.length);
            return out;
        }
        return lead(json, "\"" + Provenance.FLAGS + "\":[" + item + "]");
    }

    private static boolean startsWith(byte[] json, byte[] prefix) {
        if (json.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (json[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
