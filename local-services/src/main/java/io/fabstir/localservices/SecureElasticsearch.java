package io.fabstir.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The client side of a secured local Elasticsearch ({@link LocalElasticsearch#security()},
 * {@link ElasticsearchCluster#security()}): its HTTPS addresses, the CA to trust, the {@code elastic} superuser,
 * and the security API calls tests need (roles, users, API keys and their invalidation). Calls run as
 * {@code elastic}; a refused call throws with Elasticsearch's answer.
 */
public final class SecureElasticsearch {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> urls;
    private final ElasticsearchSecurity security;
    private final HttpClient http;

    SecureElasticsearch(List<String> urls, ElasticsearchSecurity security) {
        this.urls = List.copyOf(urls);
        this.security = security;
        this.http = HttpClient.newBuilder().sslContext(security.ca().sslContext())
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** An API key: send {@link #authorizationHeader()} as {@code Authorization}. */
    public record ApiKey(String id, String name, String key, String encoded) {
        /** {@code ApiKey <base64(id:key)>}. */
        public String authorizationHeader() {
            return "ApiKey " + encoded;
        }

        @Override
        public String toString() {
            return "ApiKey[id=" + id + ", name=" + name + "]";
        }
    }

    /** An HTTP answer. */
    public record Response(int status, String body) {}

    /** {@code https://127.0.0.1:port} of the first node. */
    public String url() {
        return urls.get(0);
    }

    /** Every node's HTTPS address. */
    public List<String> urls() {
        return urls;
    }

    public ElasticsearchSecurity settings() {
        return security;
    }

    /** The CA certificate (PEM) a client trusts. */
    public Path caPem() {
        return security.ca().certificatePem();
    }

    /** A TLS context trusting the CA only. */
    public SSLContext sslContext() {
        return security.ca().sslContext();
    }

    public String elasticUser() {
        return ElasticsearchSecurity.ELASTIC_USER;
    }

    public String elasticPassword() {
        return security.elasticPassword();
    }

    /** {@code Basic <base64(user:password)>}. */
    public static String basicAuthorization(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** Sends a request as {@code elastic} to the first node; any status comes back. */
    public Response request(String method, String path, String jsonBody) {
        return request(basicAuthorization(elasticUser(), elasticPassword()), method, path, jsonBody);
    }

    /** Sends a request with the given {@code Authorization} header (null: none); any status comes back. */
    public Response request(String authorization, String method, String path, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path)).timeout(Duration.ofSeconds(30))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody))
                .header("Content-Type", "application/json");
        if (authorization != null) b.header("Authorization", authorization);
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url() + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Creates or replaces a role; {@code roleJson} is the body of {@code PUT _security/role/<name>}. */
    public void putRole(String name, String roleJson) {
        ok("PUT", "/_security/role/" + name, roleJson);
    }

    /** Creates or replaces a native-realm user with these roles. */
    public void putUser(String name, String password, String... roles) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("password", password);
        body.put("roles", List.of(roles));
        ok("PUT", "/_security/user/" + name, json(body));
    }

    public void deleteUser(String name) {
        ok("DELETE", "/_security/user/" + name, null);
    }

    /**
     * Creates an API key owned by {@code elastic}. With {@code roleDescriptorsJson} (the {@code role_descriptors}
     * object, e.g. {@code {"writer":{"indices":[{"names":["logs-*"],"privileges":["create_doc"]}]}}}) the key can do
     * only that; with null it has the owner's rights.
     */
    public ApiKey createApiKey(String name, String roleDescriptorsJson) {
        return createApiKey(name, roleDescriptorsJson, null);
    }

    /** As {@link #createApiKey(String, String)}, expiring after {@code expiration} (null: never). */
    public ApiKey createApiKey(String name, String roleDescriptorsJson, Duration expiration) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        if (roleDescriptorsJson != null) body.put("role_descriptors", parse(roleDescriptorsJson));
        if (expiration != null) body.put("expiration", expiration.toMillis() + "ms");
        JsonNode r = parse(ok("POST", "/_security/api_key", json(body)));
        return new ApiKey(r.path("id").asText(), r.path("name").asText(), r.path("api_key").asText(),
                r.path("encoded").asText());
    }

    /** Invalidates (revokes) an API key: requests made with it get 401 from then on. */
    public void invalidateApiKey(String id) {
        JsonNode r = parse(ok("DELETE", "/_security/api_key", json(Map.of("ids", List.of(id)))));
        if (r.path("invalidated_api_keys").size() + r.path("previously_invalidated_api_keys").size() == 0) {
            throw new IllegalStateException("API key " + id + " was not invalidated: " + r);
        }
    }

    private String ok(String method, String path, String body) {
        Response r = request(method, path, body);
        if (r.status() / 100 != 2) {
            throw new IllegalStateException(method + " " + path + " answered " + r.status() + ": " + r.body());
        }
        return r.body();
    }

    private static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static JsonNode parse(String s) {
        try {
            return JSON.readTree(s);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + s, e);
        }
    }
}
