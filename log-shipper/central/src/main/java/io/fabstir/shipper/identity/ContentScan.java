package io.fabstir.shipper.identity;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One streaming pass over a record: what it claims about itself ({@code fabstir.node_id}, {@code event.dataset},
 * flat or nested), whether it wrote a field only the indexer may write, and its content hash.
 *
 * <p><b>The content hash says what "the same record" is.</b> It is SHA-256 (the first 128 bits, hex) over the
 * record's bytes as the edge produced them, leaving out what the edge may write differently when it reads the same
 * line again after a crash: {@code log.file.path} (a rotated file is re-read under its new name) and
 * {@code @timestamp} when {@code fabstir.timestamp_source} is {@code ingest} (the time of the read, for a line that had
 * none). Everything else the edge adds is a function of the line and its configuration (derived {@code event.id}
 * from host, file identity and offset; {@code log.offset}; host, node and static fields; redaction), so a re-send
 * hashes alike. A line re-read after the edge's configuration changed, or a multiline event joined differently, is a
 * different record. The exact bytes are pinned by {@code ScopedIdKnownAnswerTest}.
 */
final class ContentScan {
    private static final JsonFactory FACTORY = new JsonFactory();

    String nodeClaim;
    /** Node claims seen (flat and nested forms). */
    int nodeClaims;
    /** A claim that is no plain value, or two forms that disagree. */
    boolean nodeClaimOdd;
    /** {@code event.dataset}; {@code fabstir.contract} if any form says so. */
    String dataset;
    /** A field only the indexer writes ({@code fabstir.flags}, {@code fabstir.claimed_*}, {@code fabstir.content_hash}). */
    boolean reserved;
    String hash;

    private ContentScan() {
    }

    /**
     * @param json     one JSON object (the normaliser has checked it is one)
     * @param withHash also compute {@link #hash}
     */
    static ContentScan of(byte[] json, boolean withHash) {
        ContentScan s = new ContentScan();
        try (JsonParser p = FACTORY.createParser(json)) {
            s.scan(p, json, withHash);
        } catch (IOException | RuntimeException e) {
            s.hash = null; // not JSON after all: nothing to compare by
        }
        return s;
    }

    private void scan(JsonParser p, byte[] json, boolean withHash) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            return;
        }
        // Byte ranges left out of the hash: log.file.path, and @timestamp if it is the read time.
        long pathStart = -1;
        long pathEnd = -1;
        long tsStart = -1;
        long tsEnd = -1;
        boolean ingest = false;
        int pending = 0; // 1: log.file.path ends at the next token, 2: @timestamp does
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            if (pending != 0) {
                long at = p.currentTokenLocation().getByteOffset();
                if (pending == 1) {
                    pathEnd = at;
                } else {
                    tsEnd = at;
                }
                pending = 0;
            }
            if (t != JsonToken.FIELD_NAME) {
                break; // the object's end
            }
            String name = p.currentName();
            if (withHash && name.equals("log.file.path") && pathStart < 0) {
                pathStart = p.currentTokenLocation().getByteOffset();
                pending = 1;
            } else if (withHash && name.equals("@timestamp") && tsStart < 0) {
                tsStart = p.currentTokenLocation().getByteOffset();
                pending = 2;
            }
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT && (name.equals("fabstir") || name.equals("event"))) {
                nested(p, name.equals("fabstir"));
                continue;
            }
            switch (name) {
                case Provenance.NODE_ID -> nodeClaim(p, v);
                case Provenance.DATASET -> dataset(p, v);
                case Provenance.FLAGS, Provenance.CLAIMED_NODE_ID, Provenance.CLAIMED_DATASET,
                     Provenance.CONTENT_HASH -> reserved = true;
                case "fabstir.timestamp_source" -> ingest = v == JsonToken.VALUE_STRING && "ingest".equals(p.getText());
                default -> { }
            }
            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                p.skipChildren();
            }
        }
        if (withHash) {
            hash = hash(json, pathStart, pathEnd, ingest ? tsStart : -1, tsEnd);
        }
    }

    /** The children of a top-level {@code fabstir} or {@code event} object. */
    private void nested(JsonParser p, boolean fabstir) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (fabstir) {
                switch (name) {
                    case "node_id" -> nodeClaim(p, v);
                    case "flags", "claimed_node_id", "claimed_dataset", "content_hash" -> reserved = true;
                    default -> { }
                }
            } else if (name.equals("dataset")) {
                dataset(p, v);
            }
            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                p.skipChildren();
            }
        }
    }

    private void nodeClaim(JsonParser p, JsonToken v) throws IOException {
        nodeClaims++;
        if (!v.isScalarValue() || v == JsonToken.VALUE_NULL) {
            nodeClaimOdd = true;
            return;
        }
        String text = p.getText();
        if (nodeClaim == null) {
            nodeClaim = text;
        } else if (!nodeClaim.equals(text)) {
            nodeClaimOdd = true;
        }
    }

    private void dataset(JsonParser p, JsonToken v) throws IOException {
        if (!v.isScalarValue() || v == JsonToken.VALUE_NULL) {
            return;
        }
        String text = p.getText();
        if (dataset == null || Provenance.CONTRACT.equals(text)) {
            dataset = text;
        }
    }

    /** SHA-256 over the bytes outside the two left-out ranges (each -1 when absent), first 16 bytes as hex. */
    static String hash(byte[] json, long aStart, long aEnd, long bStart, long bEnd) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long[][] cuts = {{aStart, aEnd}, {bStart, bEnd}};
        if (bStart >= 0 && (aStart < 0 || bStart < aStart)) {
            cuts = new long[][] {{bStart, bEnd}, {aStart, aEnd}};
        }
        int at = 0;
        for (long[] cut : cuts) {
            if (cut[0] >= at && cut[1] > cut[0]) {
                sha.update(json, at, (int) cut[0] - at);
                at = (int) cut[1];
            }
        }
        sha.update(json, at, json.length - at);
        return HexFormat.of().formatHex(sha.digest(), 0, 16);
    }
}
