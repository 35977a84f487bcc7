package io.fabstir.localservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;

@Tag("integration")
class ElasticsearchRoundTripTest {

    @Test
    @SuppressWarnings({"rawtypes", "unchecked"})
    void bulkIndexedDocumentsAreFoundBySearch() throws Exception {
        LocalElasticsearch es = SharedServices.elasticsearch();
        assertThat(es.version()).isNotBlank();
        try (RestClient rest = RestClient.builder(HttpHost.create(es.url())).build()) {
            ElasticsearchClient client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
            String index = "kit-roundtrip";
            BulkRequest.Builder bulk = new BulkRequest.Builder().refresh(Refresh.True);
            for (int i = 0; i < 1000; i++) {
                Map<String, Object> doc = Map.of("message", "job " + i + (i % 10 == 0 ? " failed" : " ok"), "n", i);
                String id = "e-" + i;
                bulk.operations(op -> op.index(x -> x.index(index).id(id).document(doc)));
            }
            BulkResponse response = client.bulk(bulk.build());
            assertThat(response.errors()).isFalse();

            SearchResponse<Map> failed = client.search(s -> s.index(index)
                    .query(q -> q.match(m -> m.field("message").query("failed"))).size(0)
                    .trackTotalHits(t -> t.enabled(true)), Map.class);
            assertThat(failed.hits().total().value()).isEqualTo(100);
            SearchResponse<Map> one = client.search(s -> s.index(index)
                    .query(q -> q.ids(ids -> ids.values("e-42"))), Map.class);
            assertThat(one.hits().hits()).singleElement()
                    .satisfies(h -> assertThat(((Number) ((Map) h.source()).get("n")).intValue()).isEqualTo(42));
        }
    }
}
