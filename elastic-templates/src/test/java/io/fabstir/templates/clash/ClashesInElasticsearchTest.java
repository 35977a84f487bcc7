package io.fabstir.templates.clash;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.localservices.SharedServices;
import io.fabstir.templates.TemplateInstaller;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Against the real Elasticsearch of the local-services kit, with the installed templates: each clashing record is
 * refused as it is (so the clash is real), and indexed once resolved, with the moved value searchable in its new
 * field and the original stored.
 */
@Tag("integration")
class ClashesInElasticsearchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RestClient rest;
    private static ElasticsearchClient client;
    private static String index;

    @BeforeAll
    static void connect() throws Exception {
        URI url = URI.create(SharedServices.elasticsearchUrl());
        rest = RestClient.builder(new HttpHost(url.getHost(), url.getPort(), url.getScheme())).build();
        client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
        TemplateInstaller.builder().client(client).replicas(0).build().install();
        index = "fabstir-logs-clash" + Long.toString(System.nanoTime() % 1_000_000, 36) + "-2026.11.24";
        // a clean record first, so the daily index exists with the template's mapping
        put("clean", "{\"@timestamp\":\"2026-11-24T07:00:00.000Z\",\"message\":\"hi\",\"log.level\":\"INFO\"}");
    }

    @AfterAll
    static void close() throws Exception {
        rest.close();
    }

    @Test
    void everyScalarWhereTheTemplateHasAnObjectIsRefusedAsItIsAndIndexedResolved() throws Exception {
        Map<String, String> clashing = Map.of(
                "error", "{\"error\":\"CUDA out of memory\"}",
                "host", "{\"host\":\"gpu-7\"}",
                "service", "{\"service\":\"fabstir-node\"}",
                "event", "{\"event\":\"job.failed\"}",
                "user", "{\"user\":42}",
                "process", "{\"process\":\"worker\"}",
                "fabstir", "{\"fabstir\":\"node-7\"}",
                "labels", "{\"labels\":\"canary\"}",
                "log", "{\"log\":\"a docker line\"}",
                "url", "{\"url\":\"https://api.fabstir.net/jobs?id=7\"}");
        Map<String, String> searchable = Map.of(
                "error", "{\"match\":{\"error.message\":\"CUDA\"}}",
                "host", "{\"term\":{\"host.name\":\"gpu-7\"}}",
                "service", "{\"term\":{\"service.name\":\"fabstir-node\"}}",
                "event", "{\"term\":{\"event.action\":\"job.failed\"}}",
                "user", "{\"term\":{\"user.id\":\"42\"}}",
                "process", "{\"term\":{\"process.name\":\"worker\"}}",
                "fabstir", "{\"term\":{\"labels.fabstir\":\"node-7\"}}",
                "labels", "{\"term\":{\"tags\":\"canary\"}}",
                "log", "{\"match\":{\"message\":\"docker\"}}",
                "url", "{\"term\":{\"url.original\":\"https://api.fabstir.net/jobs?id=7\"}}");
        for (Map.Entry<String, String> c : clashing.entrySet()) {
            String body = "{\"@timestamp\":\"2026-11-24T07:00:00.000Z\"," + c.getValue().substring(1);
            assertThatThrownBy(() -> put("raw-" + c.getKey(), body)).as(c.getKey())
                    .isInstanceOf(ElasticsearchException.class);
            ObjectNode doc = (ObjectNode) JSON.readTree(body);
            assertThat(TypeClashResolver.forLogs().resolve(doc)).as(c.getKey()).hasSize(1);
            put(c.getKey(), doc.toString());
        }
        client.indices().refresh(r -> r.index(index));
        for (Map.Entry<String, String> s : searchable.entrySet()) {
            assertThat(count(s.getValue())).as(s.getKey()).isEqualTo(1);
        }
        var stored = client.get(g -> g.index(index).id("error"), ObjectNode.class).source();
        assertThat(stored.path("fabstir.original").path("error").asText()).isEqualTo("CUDA out of memory");
    }

    @Test
    void anObjectWhereTheTemplateHasALeafIsRefusedAsItIsAndIndexedResolved() throws Exception {
        String body = "{\"@timestamp\":\"2026-11-24T07:00:00.000Z\",\"log\":{\"level\":{\"name\":\"info\"}},"
                + "\"event\":{\"duration\":{\"ms\":12}},\"labels\":{\"ctx\":{\"user\":\"bob\"}}}";
        assertThatThrownBy(() -> put("raw-leaf", body)).isInstanceOf(ElasticsearchException.class);
        ObjectNode doc = (ObjectNode) JSON.readTree(body);
        assertThat(TypeClashResolver.forLogs().resolve(doc)).hasSize(3);
        put("leaf", doc.toString());
        client.indices().refresh(r -> r.index(index));
        assertThat(count("{\"term\":{\"labels.ctx\":\"{\\\"user\\\":\\\"bob\\\"}\"}}")).isEqualTo(1);
    }

    private static void put(String id, String json) throws Exception {
        client.index(r -> r.index(index).id(id).withJson(new StringReader(json)));
    }

    private static long count(String query) throws Exception {
        return client.count(c -> c.index(index).withJson(new StringReader("{\"query\":" + query + "}"))).count();
    }
}
