package io.fabstir.localservices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import javax.net.ssl.SSLHandshakeException;

import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import io.fabstir.localservices.SecureElasticsearch.ApiKey;
import io.fabstir.localservices.tls.TestCa;

@Tag("integration")
class SecureElasticsearchTest {
    private static final String WRITER = "{\"writer\":{\"indices\":[{\"names\":[\"fabstir-logs-*\"],"
            + "\"privileges\":[\"create_doc\",\"create_index\",\"auto_configure\"]}]}}";
    private static SecureElasticsearch es;

    @BeforeAll
    static void start() {
        es = SharedServices.secureElasticsearch().security();
    }

    @Test
    void apiKeyWithALimitedRoleIndexesOverHttpsAndIsRefusedTheRest() throws Exception {
        ApiKey key = es.createApiKey("writer-" + System.nanoTime(), WRITER);
        try (RestClient rest = RestClient.builder(HttpHost.create(es.url()))
                .setDefaultHeaders(new Header[] {new BasicHeader("Authorization", key.authorizationHeader())})
                .setHttpClientConfigCallback(h -> h.setSSLContext(es.sslContext())).build()) {
            ElasticsearchClient client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
            // create_doc allows op_type=create only (an index-with-id would need the index privilege).
            var created = client.create(c -> c.index("fabstir-logs-secure").id("1").refresh(Refresh.True)
                    .document(Map.of("message", "over https")));
            assertThat(created.result().jsonValue()).isEqualTo("created");
            assertThatThrownBy(() -> client.indices().delete(d -> d.index("fabstir-logs-secure")))
                    .isInstanceOfSatisfying(ElasticsearchException.class, e -> assertThat(e.status()).isEqualTo(403));
        }
        assertThat(es.request("GET", "/fabstir-logs-secure/_doc/1", null).body()).contains("over https");
    }

    @Test
    void clientTrustingAnotherCaFailsTheHandshake(@TempDir Path dir) {
        HttpClient wrongCa = HttpClient.newBuilder().sslContext(TestCa.create(dir, "Other CA").sslContext()).build();
        assertThatThrownBy(() -> wrongCa.send(HttpRequest.newBuilder(URI.create(es.url() + "/_cluster/health")).build(),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void invalidatedApiKeyGets401() {
        ApiKey key = es.createApiKey("revoked-" + System.nanoTime(), null);
        assertThat(es.request(key.authorizationHeader(), "GET", "/_security/_authenticate", null).status()).isEqualTo(200);
        es.invalidateApiKey(key.id());
        assertThat(es.request(key.authorizationHeader(), "GET", "/_security/_authenticate", null).status()).isEqualTo(401);
    }

    @Test
    void expiredApiKeyGets401() throws Exception {
        ApiKey key = es.createApiKey("expiring-" + System.nanoTime(), null, Duration.ofSeconds(1));
        Thread.sleep(1500);
        assertThat(es.request(key.authorizationHeader(), "GET", "/_security/_authenticate", null).status()).isEqualTo(401);
    }

    @Test
    void userWithARoleAuthenticatesWithThatRoleOnly() {
        String user = "indexer-" + System.nanoTime();
        es.putRole("fabstir-writer", "{\"indices\":[{\"names\":[\"fabstir-logs-*\"],\"privileges\":[\"create_doc\"]}]}");
        es.putUser(user, "indexer-secret", "fabstir-writer");
        String basic = SecureElasticsearch.basicAuthorization(user, "indexer-secret");
        SecureElasticsearch.Response me = es.request(basic, "GET", "/_security/_authenticate", null);
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body()).contains("\"roles\":[\"fabstir-writer\"]");
        assertThat(es.request(basic, "GET", "/_cluster/settings", null).status()).isEqualTo(403);
        assertThat(es.request(SecureElasticsearch.basicAuthorization(user, "wrong"), "GET", "/_security/_authenticate",
                null).status()).isEqualTo(401);
    }
}
