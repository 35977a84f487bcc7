package io.fabstir.shipper.tail;

import io.fabstir.enrichers.Enricher;
import io.fabstir.enrichers.LogRecord;
import io.fabstir.enrichers.RecordOrigin;
import io.fabstir.shipper.metrics.ShipperMetrics;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Commit ea845f5 had no RecordShaper: its per-record path was {@code Tailer.TrackedFile.emit}. This is that code,
 * line for line, behind RecordShaper's signature, so that hotpath-gc.sh runs EdgeRecordBenchmark on that commit
 * (copied into its benchmarks module there; not part of the build here).
 */
final class RecordShaper {
    private final LineDecoder decoder = new LineDecoder();
    private final Enricher enricher;
    private final ShipperMetrics metrics;
    private final int maxRecordBytes;

    RecordShaper(Enricher enricher, ShipperMetrics metrics, int maxRecordBytes) {
        this.enricher = enricher;
        this.metrics = metrics;
        this.maxRecordBytes = maxRecordBytes;
    }

    byte[] shape(byte[] b, int off, int len, long full, String path, long start, String identity) {
        LogRecord r = decoder.decode(b, off, len, full);
        if (decoder.lastUnparsed) {
            metrics.unparsed();
        }
        r.put("log.file.path", path);
        r.put("log.offset", start);
        enricher.enrich(r, new RecordOrigin(identity, path, start, Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        byte[] value = r.toJsonBytes();
        if (value.length > maxRecordBytes) {
            throw new IllegalStateException("the benchmark's record is never cut"); // ea845f5 shrank it here
        }
        return value;
    }
}
