package io.fabstir.shipper.fault;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.shipper.sink.loki.LokiReceiver;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts, by token, where the written records are: in Elasticsearch (every daily index of the run's pattern and
 * every DLQ index) or in Loki (the receiver's stored entries and the Loki sink's DLQ topic).
 */
final class Verifier {
    private final Ledger ledger;
    private final Set<String> written;
    private final Map<String, List<String>> stored = new HashMap<>();
    private final Map<String, List<String>> deadLettered = new HashMap<>();
    private final Set<String> unexpected = new HashSet<>();
    private int withoutReason;
    private long documents;

    private Verifier(Ledger ledger) {
        this.ledger = ledger;
        this.written = ledger.written();
    }

    /**
     * Scans every index of {@code wildcard} (the suite passes {@code fabstir-logs-*}: all daily indices of every
     * pattern and all DLQ indices, so a record stored under a wrong name is found too); an index whose name starts
     * with {@code dlqPrefix} holds dead letters.
     */
    static Tally elasticsearch(EsProbe probe, String wildcard, String dlqPrefix, Ledger ledger)
            throws IOException, InterruptedException {
        Verifier v = new Verifier(ledger);
        Map<String, Map<Long, String>> byPosition = ledger.byPosition();
        probe.scan(wildcard, d -> {
            Set<String> tokens = ledger.tokensIn(d.source().toString());
            if (d.index().startsWith(dlqPrefix)) {
                if (!tokens.isEmpty()) {
                    v.documents++;
                    String reason = text(d.source(), "fabstir.dlq.reason");
                    if (reason == null || reason.isBlank()) {
                        v.withoutReason++;
                    }
                }
                tokens.forEach(t -> v.deadLettered(t, d.index() + "/" + d.id()));
                return;
            }
            if (tokens.isEmpty()) {
                String t = byPosition.getOrDefault(text(d.source(), "log.file.path"), Map.of())
                        .get(d.source().path("log.offset").asLong(nested(d.source(), "log.offset").asLong(-1)));
                if (t == null) {
                    return; // another run's record
                }
                tokens = Set.of(t);
            }
            v.documents++;
            tokens.forEach(t -> v.stored(t, d.index() + "/" + d.id()));
        });
        return v.tally("elasticsearch");
    }

    /** Counts the receiver's stored entries and the Loki sink's dead letters (reason in a header). */
    static Tally loki(List<LokiReceiver.Entry> entries, List<ConsumerRecord<byte[], byte[]>> dlq, Ledger ledger) {
        Verifier v = new Verifier(ledger);
        for (LokiReceiver.Entry e : entries) {
            v.documents++;
            ledger.tokensIn(e.line()).forEach(t -> v.stored(t, e.labels() + "@" + e.tsNanos()));
        }
        for (ConsumerRecord<byte[], byte[]> r : dlq) {
            v.documents++;
            Header reason = r.headers().lastHeader("fabstir.dlq.reason");
            if (reason == null || reason.value().length == 0) {
                v.withoutReason++;
            }
            String raw = (r.key() == null ? "" : new String(r.key(), StandardCharsets.ISO_8859_1)) + " "
                    + (r.value() == null ? "" : new String(r.value(), StandardCharsets.ISO_8859_1));
            ledger.tokensIn(raw).forEach(t -> v.deadLettered(t, "dlq/" + r.partition() + "/" + r.offset()));
        }
        return v.tally("loki");
    }

    private void stored(String token, String where) {
        stored.computeIfAbsent(token, k -> new ArrayList<>()).add(where);
        if (!written.contains(token)) {
            unexpected.add(token);
        }
    }

    private void deadLettered(String token, String where) {
        deadLettered.computeIfAbsent(token, k -> new ArrayList<>()).add(where);
        if (!written.contains(token)) {
            unexpected.add(token);
        }
    }

    private Tally tally(String sink) {
        int indexed = 0;
        int inDlq = 0;
        int duplicated = 0;
        List<String> missing = new ArrayList<>();
        Map<String, List<String>> dupSample = new LinkedHashMap<>();
        int missingCount = 0;
        for (String t : written) {
            List<String> s = stored.getOrDefault(t, List.of());
            List<String> d = deadLettered.getOrDefault(t, List.of());
            if (!s.isEmpty()) {
                indexed++;
            } else if (!d.isEmpty()) {
                inDlq++;
            } else {
                missingCount++;
                if (missing.size() < 10) {
                    missing.add(t);
                }
            }
            if (s.size() + d.size() > 1) {
                duplicated++;
                if (dupSample.size() < 10) {
                    List<String> where = new ArrayList<>(s);
                    d.forEach(x -> where.add("DLQ " + x));
                    dupSample.put(t, where);
                }
            }
        }
        return new Tally(sink, written.size(), indexed, inDlq, missingCount, duplicated, unexpected.size(),
                withoutReason, documents, missing, dupSample);
    }

    /** A field by dotted name, flat ({@code "a.b"}) as the edge writes it, or nested. */
    static String text(JsonNode source, String dotted) {
        JsonNode n = source.get(dotted);
        if (n == null || n.isMissingNode()) {
            n = nested(source, dotted);
        }
        return n == null || n.isMissingNode() || n.isNull() || n.isContainerNode() ? null : n.asText();
    }

    private static JsonNode nested(JsonNode source, String dotted) {
        JsonNode cur = source;
        for (String part : dotted.split("\\.")) {
            cur = cur.path(part);
        }
        return cur;
    }
}
