package io.fabstir.shipper.demo;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.aggregations.StringTermsBucket;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the user came to see, read back from Elasticsearch through the search API: the daily indices with their
 * counts by {@code event.dataset}, the saved searches of {@code kibana/queries.json} (elastic-templates) with their
 * hits, and one failed job followed from its record to everything logged under its {@code trace.id}.
 */
final class Report {
    static final String ALL_INDICES = "fabstir-logs-*";
    /** The saved searches shown, in this order (ids in kibana/queries.json). */
    static final List<String> SHOWN = List.of("fabstir-failed-jobs", "fabstir-audit-trail", "fabstir-slow-operations");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_VALUE = 90;

    private final ElasticsearchClient client;
    private final Console console;

    /** One saved search of kibana/queries.json. */
    record SavedQuery(String id, String title, String index, String kql, List<String> columns, String body) {
    }

    /** A search's total and first hits (their {@code _source}). */
    record Result(SavedQuery query, long total, List<ObjectNode> hits) {
    }

    Report(ElasticsearchClient client, Console console) {
        this.client = client;
        this.console = console;
    }

    static List<SavedQuery> savedQueries() {
        try (InputStream in = Report.class.getResourceAsStream("/kibana/queries.json")) {
            if (in == null) {
                throw new IllegalStateException("kibana/queries.json (elastic-templates) is not on the class path");
            }
            List<SavedQuery> out = new ArrayList<>();
            for (JsonNode s : JSON.readTree(in).get("searches")) {
                List<String> columns = new ArrayList<>();
                s.get("columns").forEach(c -> columns.add(c.asText()));
                out.add(new SavedQuery(s.get("id").asText(), s.get("title").asText(), s.get("index").asText(),
                        s.get("kql").asText(), List.copyOf(columns), JSON.writeValueAsString(s.get("body"))));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Makes everything indexed so far searchable now, instead of at the template's next refresh. */
    void refresh() throws IOException {
        client.indices().refresh(r -> r.index(ALL_INDICES).allowNoIndices(true).ignoreUnavailable(true));
    }

    /** Documents in the log and DLQ indices. */
    long countAll() throws IOException {
        return client.count(c -> c.index(ALL_INDICES).allowNoIndices(true).ignoreUnavailable(true)).count();
    }

    Optional<Instant> firstRecordTime() throws IOException {
        SearchResponse<ObjectNode> r = client.search(s -> s.index(SearchableWatch.LOG_INDICES).size(1)
                .allowNoIndices(true).ignoreUnavailable(true)
                .sort(o -> o.field(f -> f.field("@timestamp").order(SortOrder.Asc))), ObjectNode.class);
        return r.hits().hits().stream().findFirst().map(Hit::source).map(h -> field(h, "@timestamp"))
                .map(Instant::parse);
    }

    /** Prints each daily index with its documents by event.dataset; returns the totals by dataset. */
    Map<String, Long> indices() throws IOException {
        SearchResponse<Void> r = client.search(s -> s.index(ALL_INDICES).size(0).allowNoIndices(true)
                .ignoreUnavailable(true)
                .aggregations("indices", a -> a.terms(t -> t.field("_index").size(1000))
                        .aggregations("datasets", d -> d.terms(t -> t.field("event.dataset").size(100)))),
                Void.class);
        Map<String, Long> totals = new LinkedHashMap<>();
        console.line("Elasticsearch daily indices and their documents by event.dataset:");
        List<StringTermsBucket> indices = new ArrayList<>(r.aggregations().get("indices").sterms().buckets().array());
        indices.sort((a, b) -> a.key().stringValue().compareTo(b.key().stringValue()));
        if (indices.isEmpty()) {
            console.line("  (no index: nothing reached Elasticsearch)");
        }
        for (StringTermsBucket index : indices) {
            console.line("  %-32s %,9d docs", index.key().stringValue(), index.docCount());
            long named = 0;
            for (StringTermsBucket ds : index.aggregations().get("datasets").sterms().buckets().array()) {
                console.line("    %-30s %,9d", ds.key().stringValue(), ds.docCount());
                totals.merge(ds.key().stringValue(), ds.docCount(), Long::sum);
                named += ds.docCount();
            }
            if (named < index.docCount()) {
                console.line("    %-30s %,9d", index.key().stringValue().contains("-dlq-")
                        ? "(dead letters)" : "(no event.dataset)", index.docCount() - named);
            }
        }
        return totals;
    }

    /** Runs one saved search's query DSL through _search, as Kibana's Discover would run its KQL. */
    Result run(SavedQuery q, int size) throws IOException {
        SearchResponse<ObjectNode> r = client.search(s -> s.index(List.of(q.index().split(",")))
                .withJson(new StringReader(q.body())).size(size).trackTotalHits(t -> t.enabled(true))
                .allowNoIndices(true).ignoreUnavailable(true), ObjectNode.class);
        List<ObjectNode> hits = new ArrayList<>();
        r.hits().hits().forEach(h -> hits.add(h.source()));
        return new Result(q, r.hits().total() == null ? hits.size() : r.hits().total().value(), hits);
    }

    void print(Result result) {
        SavedQuery q = result.query();
        console.line("  %s: %,d hits", q.title(), result.total());
        console.raw("    KQL  " + q.kql());
        for (ObjectNode hit : result.hits()) {
            StringBuilder b = new StringBuilder("    ").append(time(field(hit, "@timestamp")));
            for (String c : q.columns()) {
                if (c.equals("fabstir.node_id") || c.equals("trace.id")) {
                    continue; // one node here; the trace is followed below
                }
                String v = c.equals("event.duration") ? millis(field(hit, c)) : field(hit, c);
                if (v != null) {
                    b.append("  ").append(c).append('=').append(shorten(v));
                }
            }
            console.raw(b.toString());
        }
    }

    /** From the failed job's record to every record logged under its trace.id, and the trace's Jaeger URL. */
    void follow(ObjectNode failed, String jaegerUrl, boolean tracesExported) throws IOException {
        String traceId = field(failed, "trace.id");
        String jobId = field(failed, "fabstir.job.id");
        console.line("Following failed job %s from its log record to its trace:", jobId);
        console.raw("  " + time(field(failed, "@timestamp")) + " " + field(failed, "log.level") + " "
                + shorten(field(failed, "message")));
        if (traceId == null) {
            console.line("  (the record has no trace.id: was the node started with -javaagent?)");
            return;
        }
        console.raw("  trace.id " + traceId + "; the job's records, found with KQL  trace.id : \"" + traceId + "\"");
        SearchResponse<ObjectNode> r = client.search(s -> s.index(SearchableWatch.LOG_INDICES).size(100)
                .query(q -> q.term(t -> t.field("trace.id").value(traceId)))
                .sort(o -> o.field(f -> f.field("@timestamp").order(SortOrder.Asc))), ObjectNode.class);
        for (Hit<ObjectNode> h : r.hits().hits()) {
            ObjectNode s = h.source();
            String action = field(s, "event.action");
            String op = field(s, "fabstir.perf.operation");
            console.raw(String.format(Locale.ROOT, "    %s %-5s %-20s %-22s %s", time(field(s, "@timestamp")),
                    field(s, "log.level"), field(s, "event.dataset"),
                    action == null ? "" : action.equals("operation.measured") && op != null ? op : action,
                    shorten(field(s, "message"))));
        }
        String error = field(failed, "error.type");
        if (error != null) {
            console.raw("  error.type " + error + ": " + shorten(field(failed, "error.message")));
        }
        console.raw("  Jaeger: " + jaegerUrl + "/trace/" + traceId + (tracesExported ? ""
                : "  (no trace was exported in this run: pass --otlp-endpoint with Jaeger's OTLP port to see it)"));
    }

    /** A field of a record stored flat ({@code "a.b": 1}) or nested ({@code "a": {"b": 1}}), as text. */
    static String field(JsonNode source, String path) {
        if (source == null) {
            return null;
        }
        JsonNode n = source.get(path);
        if (n != null && !n.isNull()) {
            return n.isValueNode() ? n.asText() : n.toString();
        }
        for (int dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1)) {
            JsonNode child = source.get(path.substring(0, dot));
            if (child != null && child.isObject()) {
                String v = field(child, path.substring(dot + 1));
                if (v != null) {
                    return v;
                }
            }
        }
        return null;
    }

    private static String time(String timestamp) {
        if (timestamp == null) {
            return "?";
        }
        int t = timestamp.indexOf('T');
        String s = t < 0 ? timestamp : timestamp.substring(t + 1);
        return s.length() > 12 ? s.substring(0, 12) : s;
    }

    private static String millis(String nanos) {
        try {
            return String.format(Locale.ROOT, "%,d ms", Long.parseLong(nanos) / 1_000_000);
        } catch (RuntimeException e) {
            return nanos;
        }
    }

    private static String shorten(String v) {
        if (v == null) {
            return "";
        }
        String one = v.replace('\n', ' ').replace('\t', ' ');
        return one.length() <= MAX_VALUE ? one : one.substring(0, MAX_VALUE - 1) + "…";
    }
}
