package io.fabstir.shipper.harness;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Read-side helpers for the tests: counts, documents and full scans of an index wildcard. */
public final class EsProbe implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String url;
    private final EsConnection connection;
    private final ElasticsearchClient client;
    private final HttpClient http;
    private final String authorization;

    public EsProbe(String url) {
        this(url, null, null);
    }

    /** A probe of a secured cluster as its {@code elastic} superuser, trusting its CA. */
    public static EsProbe of(io.fabstir.localservices.SecureElasticsearch es) {
        return new EsProbe(es.url(), io.fabstir.localservices.SecureElasticsearch.basicAuthorization(es.elasticUser(),
                es.elasticPassword()), es.caPem());
    }

    private EsProbe(String url, String authorization, java.nio.file.Path caPem) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.authorization = authorization;
        EsConnection.Builder b = EsConnection.builder().host(url).caFile(caPem);
        if (authorization != null) {
            b.authorization(authorization);
        }
        this.connection = b.build();
        this.client = connection.client();
        HttpClient.Builder hb = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (caPem != null) {
            hb.sslContext(io.fabstir.shipper.security.PemFiles.trusting("ca", caPem));
        }
        this.http = hb.build();
    }

    public ElasticsearchClient client() {
        return client;
    }

    /** Documents in the indices of {@code wildcard}; -1 while the cluster does not answer (restarting). */
    public long count(String wildcard) {
        try {
            client.indices().refresh(r -> r.index(wildcard).allowNoIndices(true)
                    .expandWildcards(ExpandWildcard.Open));
            return client.count(c -> c.index(wildcard).allowNoIndices(true)).count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Up to 10 000 hits: index, id and source. */
    public List<Hit<Map>> hits(String wildcard, int size) throws IOException {
        client.indices().refresh(r -> r.index(wildcard).allowNoIndices(true));
        SearchResponse<Map> res = client.search(s -> s.index(wildcard).size(size).trackTotalHits(t -> t.enabled(true)),
                Map.class);
        return new ArrayList<>(res.hits().hits());
    }

    /** One stored document of a scan. */
    public record Doc(String index, String id, JsonNode source) {
    }

    /** Refreshes, then hands every document of {@code wildcard} to {@code each} (scroll, any number of them). */
    public void scan(String wildcard, Consumer<Doc> each) throws IOException, InterruptedException {
        send("POST", "/" + wildcard + "/_refresh?allow_no_indices=true&ignore_unavailable=true", null);
        JsonNode page = send("POST", "/" + wildcard + "/_search?scroll=2m&allow_no_indices=true&ignore_unavailable=true",
                "{\"size\":5000,\"sort\":[\"_doc\"],\"query\":{\"match_all\":{}}}");
        String scrollId = page.path("_scroll_id").asText(null);
        try {
            while (page.path("hits").path("hits").size() > 0) {
                for (JsonNode h : page.path("hits").path("hits")) {
                    each.accept(new Doc(h.path("_index").asText(), h.path("_id").asText(), h.path("_source")));
                }
                if (scrollId == null) {
                    break;
                }
                page = send("POST", "/_search/scroll", JSON.createObjectNode().put("scroll", "2m")
                        .put("scroll_id", scrollId).toString());
                scrollId = page.path("_scroll_id").asText(scrollId);
            }
        } finally {
            if (scrollId != null) {
                send("DELETE", "/_search/scroll", JSON.createObjectNode().put("scroll_id", scrollId).toString());
            }
        }
    }

    /** The JSON answer of a GET of {@code path} (e.g. {@code /_cat/shards/x?format=json}). */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    /** Deletes the indices of {@code wildcard} (comma-separated patterns allowed). */
    public void delete(String wildcard) throws IOException, InterruptedException {
        send("DELETE", "/" + wildcard + "?allow_no_indices=true&ignore_unavailable=true", null);
    }

    private JsonNode send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json");
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() >= 300 && !(method.equals("DELETE") && r.statusCode() == 404)) {
            throw new IOException(method + " " + path + " answered " + r.statusCode() + ": "
                    + new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return JSON.readTree(r.body());
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }

    /** A field by dotted name, flat ({@code "a.b"}) or nested ({@code a: {b: }}). */
    public static Object field(Map<?, ?> source, String dotted) {
        Object v = source.get(dotted);
        if (v != null) {
            return v;
        }
        Object cur = source;
        for (String part : dotted.split("\\.")) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(part);
        }
        return cur;
    }
}
