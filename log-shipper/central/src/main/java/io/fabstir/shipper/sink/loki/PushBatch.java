package io.fabstir.shipper.sink.loki;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Entries grouped per stream, each stream in timestamp order, cut into push requests that respect a size and an
 * entry-count limit. Requests must be sent in list order: a stream split across requests has its older entries in
 * the earlier request.
 */
final class PushBatch {

    /** One stream's entries inside one request, oldest first. */
    record Stream(Map<String, String> labels, String key, List<LogEntry> entries) {}

    /** One HTTP push. */
    record Request(List<Stream> streams) {
        int entryCount() {
            int n = 0;
            for (Stream s : streams) {
                n += s.entries().size();
            }
            return n;
        }

        List<LogEntry> entries() {
            List<LogEntry> out = new ArrayList<>();
            for (Stream s : streams) {
                out.addAll(s.entries());
            }
            return out;
        }
    }

    // Stable sort: equal timestamps keep Kafka order, which is the order the node wrote them.
    private static final Comparator<LogEntry> BY_TIME = Comparator.comparingLong(LogEntry::tsNanos);

    private PushBatch() {}

    static List<Request> split(List<LogEntry> entries, int maxBytes, int maxEntries) {
        Map<String, List<LogEntry>> byStream = new LinkedHashMap<>();
        for (LogEntry e : entries) {
            byStream.computeIfAbsent(e.streamKey(), k -> new ArrayList<>()).add(e);
        }
        List<Request> requests = new ArrayList<>();
        List<Stream> current = new ArrayList<>();
        int bytes = 0;
        int count = 0;
        for (List<LogEntry> streamEntries : byStream.values()) {
            streamEntries.sort(BY_TIME);
            List<LogEntry> part = new ArrayList<>();
            String key = streamEntries.get(0).streamKey();
            Map<String, String> labels = streamEntries.get(0).stream();
            int streamOverhead = key.length() + 16;
            for (LogEntry e : streamEntries) {
                int size = e.approxBytes() + (part.isEmpty() ? streamOverhead : 0);
                boolean full = count > 0 && (bytes + size > maxBytes || count + 1 > maxEntries);
                if (full) {
                    if (!part.isEmpty()) {
                        current.add(new Stream(labels, key, part));
                        part = new ArrayList<>();
                        size += streamOverhead;
                    }
                    requests.add(new Request(current));
                    current = new ArrayList<>();
                    bytes = 0;
                    count = 0;
                }
                part.add(e);
                bytes += size;
                count++;
            }
            if (!part.isEmpty()) {
                current.add(new Stream(labels, key, part));
            }
        }
        if (!current.isEmpty()) {
            requests.add(new Request(current));
        }
        return requests;
    }
}
