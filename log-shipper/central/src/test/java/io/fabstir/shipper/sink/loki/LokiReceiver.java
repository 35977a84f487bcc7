package io.fabstir.shipper.sink.loki;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.loki4j.pkg.loki.protobuf.Push;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.xerial.snappy.Snappy;

/**
 * A Loki push endpoint for tests: decodes the real wire formats (snappy-compressed protobuf {@code PushRequest}
 * from Loki's push.proto, and the JSON form) and applies Loki's documented validation, answering as Loki does:
 * label names must match {@code [a-zA-Z_][a-zA-Z0-9_]*}, at most 15 labels per stream, lines at most 256 KB, and per
 * stream no entry older than the last accepted one ("entry out of order"; an equal timestamp with another line is
 * accepted, and an entry identical to a stored one is dropped without error, as Loki dedupes re-sends). Valid
 * entries of a request are kept even when others are refused (400), as Loki does. It can be told to answer
 * 429/503, to refuse old samples, or be stopped and started on the same port.
 */
public final class LokiReceiver implements AutoCloseable {

    static final int MAX_LABELS = 15;
    static final int MAX_LINE_BYTES = 256 * 1024;
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One entry Loki stored. */
    public record Entry(Map<String, String> labels, long tsNanos, String line, Map<String, String> metadata, String tenant) {}

    private final List<Entry> accepted = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Entry> lastPerStream = new HashMap<>();
    private final Map<String, java.util.Set<String>> storedPerStream = new HashMap<>();
    private volatile long rejectOlderThanNanos = Long.MIN_VALUE;
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final List<String> contentTypes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger refusedRequests = new AtomicInteger();
    private volatile int failStatus;
    private volatile int failRemaining;
    private volatile boolean down;
    private volatile int maxLineBytes = MAX_LINE_BYTES;
    private volatile boolean structuredMetadataAllowed = true;
    private int port;
    private HttpServer server;
    private final javax.net.ssl.SSLContext tls;

    private LokiReceiver(int port, javax.net.ssl.SSLContext tls) throws IOException {
        this.port = port;
        this.tls = tls;
        start();
    }

    /** An https receiver presenting the certificate in {@code tls}. */
    static LokiReceiver openTls(javax.net.ssl.SSLContext tls) throws IOException {
        return new LokiReceiver(0, tls);
    }

    static LokiReceiver open(int port) throws IOException {
        return new LokiReceiver(port, null);
    }

    public static LokiReceiver open() throws IOException {
        return new LokiReceiver(0, null);
    }

    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        InetSocketAddress addr = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        if (tls != null) {
            com.sun.net.httpserver.HttpsServer https = com.sun.net.httpserver.HttpsServer.create(addr, 50);
            https.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            server = https;
        } else {
            server = HttpServer.create(addr, 50);
        }
        server.createContext("/loki/api/v1/push", this::handle);
        server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(2));
        server.start();
        port = server.getAddress().getPort(); // a restart reuses it
    }

    /** Closes the port: clients get connection refused, as when Loki is down. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
            server = null;
        }
    }

    public URI url() {
        // The test certificate names localhost (and 127.0.0.1); plain http uses the address it is bound to.
        return URI.create((tls != null ? "https://localhost:" : "http://127.0.0.1:") + boundPort());
    }

    synchronized int boundPort() {
        return server != null ? server.getAddress().getPort() : port;
    }

    /** The next {@code times} requests are answered with {@code status} (e.g. 429 or 503) and store nothing. */
    void failNext(int times, int status) {
        failStatus = status;
        failRemaining = times;
    }

    /** While down, every request is answered 503. */
    public void down(boolean isDown) {
        down = isDown;
    }

    /** Like {@code limits_config.allow_structured_metadata: false} (the default before Loki 3.0). */
    void allowStructuredMetadata(boolean allowed) {
        structuredMetadataAllowed = allowed;
    }

    /** Like {@code reject_old_samples}: entries older than this are refused as "timestamp too old". */
    public void rejectOlderThan(long tsNanos) {
        rejectOlderThanNanos = tsNanos;
    }

    void maxLineBytes(int bytes) {
        maxLineBytes = bytes;
    }

    public List<Entry> accepted() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    List<String> authorizations() {
        return List.copyOf(authorizations);
    }

    List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    public int requests() {
        return requests.get();
    }

    int refusedRequests() {
        return refusedRequests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            requests.incrementAndGet();
            if (!"POST".equals(ex.getRequestMethod())) {
                reply(ex, 405, "method not allowed");
                return;
            }
            byte[] body = ex.getRequestBody().readAllBytes();
            if (down) {
                refusedRequests.incrementAndGet();
                reply(ex, 503, "Service Unavailable");
                return;
            }
            synchronized (this) {
                if (failRemaining > 0) {
                    failRemaining--;
                    refusedRequests.incrementAndGet();
                    reply(ex, failStatus, failStatus == 429
                            ? "Ingestion rate limit exceeded for user fake (limit: 4194304 bytes/sec)"
                            : failStatus == 503 ? "Service Unavailable" : "status " + failStatus);
                    return;
                }
            }
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                authorizations.add(auth);
            }
            String tenant = ex.getRequestHeaders().getFirst("X-Scope-OrgID");
            String type = String.valueOf(ex.getRequestHeaders().getFirst("Content-Type"));
            contentTypes.add(type);
            List<Stream> streams;
            try {
                streams = type.startsWith("application/json") ? decodeJson(body) : decodeProtobuf(body);
            } catch (Exception e) {
                reply(ex, 400, "error parsing push request: " + e.getMessage());
                return;
            }
            String answer = ingest(streams, tenant);
            if (answer == null) {
                reply(ex, 204, "");
            } else {
                reply(ex, 400, answer);
            }
        }
    }

    private record Stream(String labelText, List<Entry> entries) {}

    /** Loki's distributor checks, then the ingester's per-stream order; returns null when all was stored. */
    private synchronized String ingest(List<Stream> streams, String tenant) {
        StringBuilder errors = new StringBuilder();
        int total = 0;
        int ignored = 0;
        for (Stream s : streams) {
            total += s.entries().size();
            Map<String, String> labels;
            try {
                labels = parseLabels(s.labelText());
            } catch (IllegalArgumentException e) {
                ignored += s.entries().size();
                errors.append("error parsing labels '").append(s.labelText()).append("': ").append(e.getMessage())
                        .append('\n');
                continue;
            }
            String problem = validateLabels(labels, s.labelText());
            if (problem != null) {
                ignored += s.entries().size();
                errors.append(problem).append('\n');
                continue;
            }
            String key = LabelRules.render(labels);
            if (!structuredMetadataAllowed && s.entries().stream().anyMatch(e -> !e.metadata().isEmpty())) {
                ignored += s.entries().size();
                errors.append("stream '").append(key).append("' includes structured metadata, but this feature is "
                        + "disallowed. Please see `limits_config.structured_metadata` or contact your Loki "
                        + "administrator to enable it.\n");
                continue;
            }
            for (Entry e : s.entries()) {
                int len = e.line().getBytes(StandardCharsets.UTF_8).length;
                if (len > maxLineBytes) {
                    ignored++;
                    errors.append("Max entry size '").append(maxLineBytes).append("' bytes exceeded for stream '")
                            .append(key).append("' while adding an entry with length '").append(len)
                            .append("' bytes\n");
                    continue;
                }
                if (e.tsNanos() < rejectOlderThanNanos) {
                    ignored++;
                    // Loki's distributor answers with the validation error alone, not naming every entry.
                    errors.append("entry for stream '").append(key).append("' has timestamp too old: ")
                            .append(LokiErrors.goTime(e.tsNanos())).append(", oldest acceptable timestamp is: ")
                            .append(LokiErrors.goTime(rejectOlderThanNanos)).append('\n');
                    continue;
                }
                java.util.Set<String> stored = storedPerStream.computeIfAbsent(key, k -> new java.util.HashSet<>());
                if (stored.contains(e.tsNanos() + "\u0000" + e.line())) {
                    continue; // the same entry again (a re-send): stored once, no error
                }
                Entry last = lastPerStream.get(key);
                if (last != null && e.tsNanos() < last.tsNanos()) {
                    ignored++;
                    errors.append("entry with timestamp ").append(LokiErrors.goTime(e.tsNanos()))
                            .append(" ignored, reason: 'entry out of order' for stream: ").append(key).append(",\n");
                    continue;
                }
                Entry kept = new Entry(labels, e.tsNanos(), e.line(), e.metadata(), tenant);
                accepted.add(kept);
                stored.add(e.tsNanos() + "\u0000" + e.line());
                lastPerStream.put(key, kept);
            }
        }
        if (ignored == 0) {
            return null;
        }
        return errors.append("total ignored: ").append(ignored).append(" out of ").append(total).toString();
    }

    private static String validateLabels(Map<String, String> labels, String text) {
        if (labels.isEmpty()) {
            return "error at least one label pair is required per stream";
        }
        if (labels.size() > MAX_LABELS) {
            return "stream '" + text + "' has " + labels.size() + " label names; limit " + MAX_LABELS;
        }
        for (String name : labels.keySet()) {
            if (!LABEL_NAME.matcher(name).matches()) {
                return "stream '" + text + "' has label name '" + name + "' which is not valid";
            }
        }
        return null;
    }

    /** Parses Loki's label text {@code {a="x", b="y\"z"}}; names are taken as written, checked by the caller. */
    static Map<String, String> parseLabels(String text) {
        String t = text.trim();
        if (!t.startsWith("{") || !t.endsWith("}")) {
            throw new IllegalArgumentException("labels must be enclosed in {}");
        }
        Map<String, String> out = new TreeMap<>();
        int i = 1;
        int end = t.length() - 1;
        while (i < end) {
            while (i < end && (t.charAt(i) == ' ' || t.charAt(i) == ',')) {
                i++;
            }
            if (i >= end) {
                break;
            }
            int eq = t.indexOf('=', i);
            if (eq < 0 || eq + 1 >= end || t.charAt(eq + 1) != '"') {
                throw new IllegalArgumentException("expected name=\"value\" at " + i);
            }
            String name = t.substring(i, eq).trim();
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            for (; j < end && t.charAt(j) != '"'; j++) {
                char c = t.charAt(j);
                if (c == '\\' && j + 1 < end) {
                    char n = t.charAt(++j);
                    v.append(n == 'n' ? '\n' : n);
                } else {
                    v.append(c);
                }
            }
            if (j >= end) {
                throw new IllegalArgumentException("unterminated value of " + name);
            }
            if (out.put(name, v.toString()) != null) {
                throw new IllegalArgumentException("duplicate label name " + name);
            }
            i = j + 1;
        }
        return out;
    }

    private static List<Stream> decodeProtobuf(byte[] body) throws IOException {
        Push.PushRequest req = Push.PushRequest.parseFrom(Snappy.uncompress(body));
        List<Stream> out = new ArrayList<>();
        for (Push.StreamAdapter s : req.getStreamsList()) {
            List<Entry> entries = new ArrayList<>();
            for (Push.EntryAdapter e : s.getEntriesList()) {
                Map<String, String> md = new LinkedHashMap<>();
                for (Push.LabelPairAdapter p : e.getStructuredMetadataList()) {
                    md.put(p.getName(), p.getValue());
                }
                long ts = e.getTimestamp().getSeconds() * 1_000_000_000L + e.getTimestamp().getNanos();
                entries.add(new Entry(Map.of(), ts, e.getLine(), md, null));
            }
            out.add(new Stream(s.getLabels(), entries));
        }
        return out;
    }

    private static List<Stream> decodeJson(byte[] body) throws IOException {
        JsonNode root = JSON.readTree(body);
        List<Stream> out = new ArrayList<>();
        for (JsonNode s : root.path("streams")) {
            Map<String, String> labels = new TreeMap<>();
            for (Map.Entry<String, JsonNode> f : s.path("stream").properties()) {
                labels.put(f.getKey(), f.getValue().asText());
            }
            List<Entry> entries = new ArrayList<>();
            for (JsonNode v : s.path("values")) {
                Map<String, String> md = new LinkedHashMap<>();
                if (v.size() > 2) {
                    v.get(2).properties().forEach(f -> md.put(f.getKey(), f.getValue().asText()));
                }
                entries.add(new Entry(Map.of(), Long.parseLong(v.get(0).asText()), v.get(1).asText(), md, null));
            }
            out.add(new Stream(LabelRules.render(labels), entries));
        }
        return out;
    }

    private static void reply(HttpExchange ex, int status, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        if (status == 204) {
            ex.sendResponseHeaders(204, -1);
            return;
        }
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        stop();
    }
}
