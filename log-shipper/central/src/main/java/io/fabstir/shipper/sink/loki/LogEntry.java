package io.fabstir.shipper.sink.loki;

import java.util.Map;

/**
 * One Kafka record turned into a Loki entry, with where it came from so its offset can be committed (or the raw
 * record sent to the DLQ) once Loki has answered.
 *
 * @param stream     sorted stream labels
 * @param streamKey  the labels in Loki's text form; entries are grouped and ordered by it
 * @param tsNanos    entry timestamp, nanoseconds since the epoch
 * @param line       the log line (the record's JSON, truncated if over the line limit)
 * @param metadata   structured metadata (high-cardinality ids), in insertion order
 */
record LogEntry(Map<String, String> stream, String streamKey, long tsNanos, String line,
                Map<String, String> metadata, Source source) {

    /** Where the entry came from in Kafka; {@code key}/{@code value} are the raw bytes for the DLQ. */
    record Source(String topic, int partition, long offset, byte[] key, byte[] value) {
        String describe() {
            return topic + "/" + partition + "/" + offset;
        }
    }

    LogEntry withStream(Map<String, String> newStream) {
        return new LogEntry(newStream, LabelRules.render(newStream), tsNanos, line, metadata, source);
    }

    LogEntry withLine(String newLine) {
        return new LogEntry(stream, streamKey, tsNanos, newLine, metadata, source);
    }

    LogEntry withoutMetadata() {
        return new LogEntry(stream, streamKey, tsNanos, line, Map.of(), source);
    }

    int approxBytes() {
        int n = line.length() + 32;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            n += e.getKey().length() + e.getValue().length() + 8;
        }
        return n;
    }
}
