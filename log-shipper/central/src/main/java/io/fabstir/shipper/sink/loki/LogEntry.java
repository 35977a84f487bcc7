package io.fabstir.shipper.sink.loki;

import io.fabstir.shipper.sink.Sink;

import java.util.Map;

/**
 * One document turned into a Loki entry, with the delivery to settle once Loki has answered.
 *
 * @param stream     sorted stream labels
 * @param streamKey  the labels in Loki's text form; entries are grouped and ordered by it
 * @param tsNanos    entry timestamp, nanoseconds since the epoch
 * @param line       the log line (the record's JSON, truncated if over the line limit)
 * @param metadata   structured metadata (high-cardinality ids), in insertion order
 * @param delivery   told whether Loki took the entry
 */
record LogEntry(Map<String, String> stream, String streamKey, long tsNanos, String line,
                Map<String, String> metadata, Sink.Delivery delivery) {

    LogEntry withStream(Map<String, String> newStream) {
        return new LogEntry(newStream, LabelRules.render(newStream), tsNanos, line, metadata, delivery);
    }

    LogEntry withLine(String newLine) {
        return new LogEntry(stream, streamKey, tsNanos, newLine, metadata, delivery);
    }

    LogEntry withoutMetadata() {
        return new LogEntry(stream, streamKey, tsNanos, line, Map.of(), delivery);
    }

    int approxBytes() {
        int n = line.length() + 32;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            n += e.getKey().length() + e.getValue().length() + 8;
        }
        return n;
    }
}
