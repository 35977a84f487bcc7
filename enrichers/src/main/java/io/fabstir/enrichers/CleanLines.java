package io.fabstir.enrichers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.enrichers.redact.Redactor;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;

/**
 * The chain's shortcut for a line that is already a clean record of the contract, as the Fabstir encoder writes
 * it: one flat JSON object with a canonical {@code @timestamp}, its own {@code event.id}, none of the edge's fields
 * and nothing redaction would change. For such a line the chain only appends fields, so its Kafka value is the line's
 * own bytes with {@code log.file.path}, {@code log.offset} and the edge fields (host, node id, environment, static
 * fields; redacted as the chain would) written after the last member: no tree, no re-serialisation. Any other line
 * returns null and takes the chain's full path; the two give the same JSON (same members, values and order).
 *
 * <p>Why: parsing a line into a tree, walking it for each enricher and writing it again was most of the edge's CPU
 * per record, for the lines that need none of it (issue 24). One streaming pass checks what the enrichers would
 * look at. Not thread-safe: one per reader thread.
 */
public final class CleanLines {
    static final String PATH = "log.file.path";
    static final String OFFSET = "log.offset";
    static final String LEVEL = "log.level";
    private static final JsonFactory JSON = LogRecord.JSON.getFactory();

    private final Redactor redactor;
    /** Format mapping runs first in the chain: a line is left alone by it only when it has {@code log.level}. */
    private final boolean needsLevel;
    private final String[] edgeNames;
    /** {@code ,"host.name":"…",…}: the edge fields as the chain writes them, redacted; one slice per field. */
    private final byte[][] edgeMembers;
    private final byte[] offsetName;
    private final boolean offsetMasked;
    /** Names seen in the current line (open addressing by hash), for duplicate detection without allocation. */
    private final String[] seen = new String[128];
    private String lastPath;
    private byte[] lastPathMember;

    CleanLines(Map<String, String> edgeFields, Redactor redactor, boolean needsLevel) {
        this.redactor = redactor;
        this.needsLevel = needsLevel;
        this.edgeNames = edgeFields.keySet().toArray(String[]::new);
        this.edgeMembers = new byte[edgeNames.length][];
        for (int i = 0; i < edgeNames.length; i++) {
            edgeMembers[i] = member(edgeNames[i], redacted(edgeNames[i], edgeFields.get(edgeNames[i])));
        }
        this.offsetMasked = redactor.isSensitiveKey(OFFSET);
        byte[] name = member(OFFSET, "");
        this.offsetName = Arrays.copyOf(name, name.length - 2); // ,"log.offset": without the empty string value
    }

    /**
     * The enriched Kafka value of a clean contract line read at {@code offset} of {@code path}, or null when the line
     * needs the chain's full path (anything unusual, or something an enricher would change other than by appending).
     */
    public byte[] enrich(byte[] b, int off, int len, String path, long offset) {
        if (len < 2 || b[off] != '{' || offset < 0) {
            return null;
        }
        int end = off + len;
        while (end > off && isSpace(b[end - 1])) {
            end--;
        }
        if (b[end - 1] != '}') {
            return null;
        }
        long present = scan(b, off, len);
        if (present < 0) {
            return null;
        }
        byte[] pathMember = pathMember(path);
        int size = end - 1 - off + pathMember.length + offsetName.length
                + (offsetMasked ? Redactor.MASK.length() + 2 : digits(offset)) + 1;
        for (int i = 0; i < edgeMembers.length; i++) {
            if ((present & (1L << i)) == 0) {
                size += edgeMembers[i].length;
            }
        }
        byte[] out = new byte[size];
        int p = end - 1 - off;
        System.arraycopy(b, off, out, 0, p);
        System.arraycopy(pathMember, 0, out, p, pathMember.length);
        p += pathMember.length;
        System.arraycopy(offsetName, 0, out, p, offsetName.length);
        p += offsetName.length;
        p = offsetMasked ? writeMask(out, p) : writeLong(out, p, offset);
        for (int i = 0; i < edgeMembers.length; i++) {
            if ((present & (1L << i)) == 0) {
                System.arraycopy(edgeMembers[i], 0, out, p, edgeMembers[i].length);
                p += edgeMembers[i].length;
            }
        }
        out[p] = '}';
        return out;
    }

    /**
     * One streaming pass: a flat object of scalars without duplicate names, a canonical {@code @timestamp}, a
     * non-blank string {@code event.id} and (when formats are mapped) a {@code log.level}, no {@code log.file.path}
     * or {@code log.offset} of its own, and no value that redaction would mask. Returns a bit per edge field the line already has (the chain keeps the line's own), or
     * -1 when the line needs the full path.
     */
    private long scan(byte[] b, int off, int len) {
        Arrays.fill(seen, null);
        long present = 0;
        boolean timestamp = false;
        boolean id = false;
        boolean level = !needsLevel;
        try (JsonParser p = JSON.createParser(b, off, len)) {
            p.nextToken(); // START_OBJECT: the first byte is '{'
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                if (!firstSighting(name)) {
                    return -1; // a duplicate: the tree keeps the last value, so let the tree do it
                }
                JsonToken v = p.nextToken();
                if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                    return -1; // nested values: the enrichers read and redact them in forms this pass does not
                }
                if (name.equals(PATH) || name.equals(OFFSET)) {
                    return -1;
                }
                if (name.equals(LEVEL)) {
                    level = true; // with @timestamp, the format mapper's test for a record already in ECS
                }
                int edge = edgeIndex(name);
                if (v == JsonToken.VALUE_NULL) {
                    if (edge >= 0 || name.equals(Timestamps.FIELD) || name.equals(EventIds.FIELD)) {
                        return -1; // a null counts as absent: the chain would replace it
                    }
                    continue; // redaction leaves nulls alone
                }
                if (edge >= 0) {
                    present |= 1L << edge;
                }
                if (v != JsonToken.VALUE_STRING) {
                    if (name.equals(Timestamps.FIELD) || name.equals(EventIds.FIELD) || redactor.isSensitiveKey(name)) {
                        return -1;
                    }
                    continue;
                }
                String s = p.getText();
                if (name.equals(Timestamps.FIELD)) {
                    if (!CanonicalTimestamp.is(s)) {
                        return -1;
                    }
                    timestamp = true;
                } else if (name.equals(EventIds.FIELD)) {
                    if (s.isBlank()) {
                        return -1;
                    }
                    id = true;
                }
                if (redactor.isSensitiveKey(name) ? !Redactor.MASK.equals(s) : redactor.redactValue(name, s) != s) {
                    return -1;
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                return -1;
            }
        } catch (IOException | RuntimeException e) {
            return -1; // not valid JSON (or too deep, too long...): the full path wraps it with its reason
        }
        return timestamp && id && level ? present : -1;
    }

    private boolean firstSighting(String name) {
        int mask = seen.length - 1;
        for (int i = name.hashCode() & mask, probes = 0; probes < seen.length; i = (i + 1) & mask, probes++) {
            String s = seen[i];
            if (s == null) {
                seen[i] = name;
                return true;
            }
            if (s == name || s.equals(name)) {
                return false;
            }
        }
        return false; // more names than slots: not a line for this path
    }

    private int edgeIndex(String name) {
        for (int i = 0; i < edgeNames.length; i++) {
            if (edgeNames[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private byte[] pathMember(String path) {
        if (path != lastPath && (path == null || !path.equals(lastPath))) {
            lastPathMember = member(PATH, path == null ? null : redacted(PATH, path));
            lastPath = path;
        }
        return lastPathMember;
    }

    private String redacted(String name, String value) {
        if (value == null) {
            return null;
        }
        return redactor.isSensitiveKey(name) ? Redactor.MASK : redactor.redactValue(name, value);
    }

    /** {@code ,"name":value} written by the same JSON writer as the chain's tree. */
    private static byte[] member(String name, String value) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put(name, value);
        try {
            byte[] json = LogRecord.JSON.writeValueAsBytes(o); // {"name":value}
            json[0] = ',';
            return Arrays.copyOf(json, json.length - 1);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int writeMask(byte[] out, int p) {
        out[p++] = '"';
        for (int i = 0; i < Redactor.MASK.length(); i++) {
            out[p++] = (byte) Redactor.MASK.charAt(i);
        }
        out[p++] = '"';
        return p;
    }

    /** Offsets are never negative. */
    private static int digits(long v) {
        int n = 1;
        for (long x = v; x >= 10; x /= 10) {
            n++;
        }
        return n;
    }

    private static int writeLong(byte[] out, int p, long v) {
        int end = p + digits(v);
        for (int i = end - 1; i >= p; i--) {
            out[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return end;
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
