package io.fabstir.shipper.index;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ExpandWildcard;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Read-side helpers for the tests: counts and documents of an index wildcard. */
final class EsProbe implements AutoCloseable {
    final EsConnection connection;
    final ElasticsearchClient client;

    EsProbe(String url) {
        this.connection = EsConnection.builder().host(url).build();
        this.client = connection.client();
    }

    long count(String wildcard) {
        try {
            client.indices().refresh(r -> r.index(wildcard).allowNoIndices(true)
                    .expandWildcards(ExpandWildcard.Open));
            return client.count(c -> c.index(wildcard).allowNoIndices(true)).count();
        } catch (IOException | RuntimeException e) {
            return -1; // cluster restarting
        }
    }

    /** Up to 10 000 hits: index, id and source. */
    List<Hit<Map>> hits(String wildcard, int size) throws IOException {
        client.indices().refresh(r -> r.index(wildcard).allowNoIndices(true));
        SearchResponse<Map> res = client.search(s -> s.index(wildcard).size(size).trackTotalHits(t -> t.enabled(true)),
                Map.class);
        return new ArrayList<>(res.hits().hits());
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }

    static Object field(Map<?, ?> source, String dotted) {
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
