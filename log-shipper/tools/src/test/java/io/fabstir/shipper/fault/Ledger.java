package io.fabstir.shipper.fault;

import io.fabstir.shipper.harness.LogWriter;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything a run wrote, by token: the lines of its log writers and the values it produced to Kafka directly.
 * A token is {@code <run tag>_<source>-<n>} and appears in the record (its event.id, message or raw bytes), so it
 * can be found again wherever the record ends up, even when the edge had to wrap or re-identify it. Blank lines,
 * which cannot carry one, are known by their file and byte offset instead.
 */
final class Ledger {
    private final String tag;
    private final Pattern token;
    private final List<LogWriter> writers = new CopyOnWriteArrayList<>();
    private final Set<String> produced = ConcurrentHashMap.newKeySet();

    Ledger(String tag) {
        this.tag = tag;
        // The '_' keeps tokens apart from the ids the indexer derives from the topic (which holds the tag) and offset.
        this.token = Pattern.compile("(?<![0-9a-z])" + Pattern.quote(tag) + "_\\d+-\\d+(?![0-9])");
    }

    /** Token {@code n} of source {@code source} (a writer's or a producer's number within the run). */
    String token(int source, long n) {
        return tag + "_" + source + "-" + n;
    }

    void add(LogWriter writer) {
        writers.add(writer);
    }

    void produced(String token) {
        produced.add(token);
    }

    /** Every token written so far. */
    Set<String> written() {
        Set<String> all = new HashSet<>(produced);
        writers.forEach(w -> all.addAll(w.written()));
        return all;
    }

    /** Tokens of lines that carry none, by absolute file path, then byte offset. */
    Map<String, Map<Long, String>> byPosition() {
        Map<String, Map<Long, String>> out = new HashMap<>();
        for (LogWriter w : writers) {
            if (!w.tokenAtOffset().isEmpty()) {
                out.put(w.file().toAbsolutePath().toString(), Map.copyOf(w.tokenAtOffset()));
            }
        }
        return out;
    }

    /** The distinct tokens in {@code text}. */
    Set<String> tokensIn(String text) {
        Set<String> out = new HashSet<>(2);
        Matcher m = token.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    String tag() {
        return tag;
    }
}
