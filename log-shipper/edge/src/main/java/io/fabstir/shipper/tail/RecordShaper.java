package io.fabstir.shipper.tail;

import io.fabstir.enrichers.CleanLines;
import io.fabstir.enrichers.Enricher;
import io.fabstir.enrichers.EnricherChain;
import io.fabstir.enrichers.LogRecord;
import io.fabstir.enrichers.RecordOrigin;
import io.fabstir.shipper.metrics.ShipperMetrics;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Turns one line (or joined multiline event) into the Kafka value: decoded (a line that is not a JSON object is
 * wrapped, never dropped), given its file position, enriched (host, node id, derived event id, redaction), and cut
 * to {@code max_record_bytes} when escaping inflated it. Reader thread only.
 */
final class RecordShaper {
    private static final String[] KEPT_WHEN_CUT = {"@timestamp", "event.id", "log.file.path", "log.offset",
        "host.name", "fabstir.node_id", "deployment.environment"};

    private final LineDecoder decoder = new LineDecoder();
    /** Replaced by a reload, on the reader thread only (between records). */
    private Enricher enricher;
    /** The chain's shortcut for lines already in the contract (the encoder's own); null when there is none. */
    private CleanLines clean;
    private final CleanLineGate gate = new CleanLineGate();
    private final ShipperMetrics metrics;
    private final int maxRecordBytes;

    /** The enricher for every record shaped from now on (static fields and redaction after a reload). */
    void enricher(Enricher next) {
        this.enricher = next;
        this.clean = next instanceof EnricherChain chain ? chain.cleanLines() : null;
    }

    RecordShaper(Enricher enricher, ShipperMetrics metrics, int maxRecordBytes) {
        this.enricher = enricher;
        this.clean = enricher instanceof EnricherChain chain ? chain.cleanLines() : null;
        this.metrics = metrics;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * @param full     the line's length before {@code max_line_bytes} cut it
     * @param identity the file content's identity, from which a missing {@code event.id} is derived
     */
    byte[] shape(byte[] b, int off, int len, long full, String path, long start, String identity) {
        if (clean != null && full == len) {
            if (gate.worthTrying()) {
                // A clean contract line gets the same fields appended to its own bytes; anything else (or a value
                // over max_record_bytes, which the full path cuts) returns null here and is decoded below.
                byte[] value = clean.enrich(b, off, len, path, start);
                if (value != null && value.length <= maxRecordBytes) {
                    gate.hit();
                    return value;
                }
            }
            gate.miss();
        }
        LogRecord r = decoder.decode(b, off, len, full);
        if (decoder.lastUnparsed) {
            metrics.unparsed();
        }
        r.put("log.file.path", path);
        r.put("log.offset", start);
        enricher.enrich(r, new RecordOrigin(identity, path, start, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        byte[] value = r.toJsonBytes();
        return value.length > maxRecordBytes ? shrink(r, value.length) : value;
    }

    /** A record over max_record_bytes (escaping can inflate a line): keep the head of its message. */
    private byte[] shrink(LogRecord r, int size) {
        String msg = r.text("message");
        LogRecord small = LineDecoder.wrap(msg == null ? r.toJson() : msg, "record of " + size
                + " bytes cut to fit max_record_bytes");
        for (String k : KEPT_WHEN_CUT) {
            if (r.has(k)) {
                small.put(k, r.get(k));
            }
        }
        small.put(LineDecoder.TRUNCATED, true);
        String m = small.text("message");
        byte[] v = small.toJsonBytes();
        while (v.length > maxRecordBytes && m.length() > 0) {
            m = m.substring(0, m.length() / 2);
            small.put("message", m);
            v = small.toJsonBytes();
        }
        return v;
    }
}
