package io.fabstir.shipper.sink.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransportBase;
import co.elastic.clients.transport.http.TransportHttpClient;
import co.elastic.clients.transport.rest_client.RestClientHttpClient;
import io.fabstir.shipper.security.ElasticsearchAccess;
import io.fabstir.shipper.security.PemFiles;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * Connection to an Elasticsearch cluster: several hosts (round robin with failover), HTTPS trusting a CA file, an API
 * key or basic auth (sent with every request), request timeout and request compression. Built from the settings
 * ({@link Builder#access(ElasticsearchAccess)}) or piece by piece. Credentials are held only in the client and never
 * appear in {@link #toString()}.
 */
public final class EsConnection implements AutoCloseable {
    private final RestClient restClient;
    private final ElasticsearchClient client;
    private final String description;

    private EsConnection(Builder b) {
        if (b.hosts.isEmpty()) {
            throw new IllegalArgumentException("at least one Elasticsearch host is needed");
        }
        List<HttpHost> hosts = new ArrayList<>();
        for (String h : b.hosts) {
            hosts.add(parseHost(h));
        }
        RestClientBuilder rb = RestClient.builder(hosts.toArray(HttpHost[]::new));
        List<Header> headers = new ArrayList<>();
        if (b.authorization != null) {
            headers.add(new BasicHeader("Authorization", b.authorization));
        }
        rb.setDefaultHeaders(headers.toArray(Header[]::new));
        // Compression is ours (RequestCompression: level 1, requests only), not the client's (level 6, both ways).
        rb.setCompressionEnabled(false);
        int timeoutMs = (int) b.requestTimeout.toMillis();
        rb.setRequestConfigCallback(rc -> rc.setConnectTimeout(Math.min(timeoutMs, 10_000)).setSocketTimeout(timeoutMs));
        SSLContext ssl = b.ssl;
        rb.setHttpClientConfigCallback(hc -> {
            if (ssl != null) {
                hc.setSSLContext(ssl);
            }
            return hc.setMaxConnTotal(64).setMaxConnPerRoute(32);
        });
        this.restClient = rb.build();
        TransportHttpClient http = new RestClientHttpClient(restClient);
        if (b.compression) {
            http = new RequestCompression(http);
        }
        // What RestClientTransport builds, with the compressing client between the transport and the REST client.
        this.client = new ElasticsearchClient(new ElasticsearchTransportBase(http, null, new JacksonJsonpMapper()) {
        });
        this.description = "Elasticsearch " + hosts + (b.who != null ? " (" + b.who + ")" : "")
                + (b.caFile != null ? " (CA " + b.caFile + ")" : "");
    }

    public static Builder builder() {
        return new Builder();
    }

    public ElasticsearchClient client() {
        return client;
    }

    @Override
    public String toString() {
        return description;
    }

    @Override
    public void close() throws IOException {
        restClient.close();
    }

    static HttpHost parseHost(String host) {
        String h = host.trim();
        URI uri = URI.create(h.contains("://") ? h : "http://" + h);
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("not a host: " + host);
        }
        int port = uri.getPort() > 0 ? uri.getPort() : 9200;
        return new HttpHost(uri.getHost(), port, uri.getScheme());
    }

    public static final class Builder {
        private final List<String> hosts = new ArrayList<>();
        private Path caFile;
        private SSLContext ssl;
        private String authorization;
        private String who;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private boolean compression = true;

        private Builder() {
        }

        /** Hosts, trust and credential from the {@code elasticsearch.*} settings. */
        public Builder access(ElasticsearchAccess access) {
            access.hosts().forEach(h -> hosts.add(h.toString()));
            this.caFile = access.caFile();
            this.ssl = access.sslContext();
            this.authorization = access.authorization();
            this.who = access.authorization() == null ? null : access.authorization().startsWith("ApiKey")
                    ? "api key" : "basic auth";
            return this;
        }

        /** {@code http(s)://host:port}; may be called several times or with a comma-separated list. */
        public Builder host(String hosts) {
            for (String h : hosts.split(",")) {
                if (!h.isBlank()) {
                    this.hosts.add(h.trim());
                }
            }
            return this;
        }

        public Builder hosts(List<String> hosts) {
            hosts.forEach(this::host);
            return this;
        }

        /** PEM file with the CA certificate(s) that signed the cluster's HTTPS certificate. */
        public Builder caFile(Path caFile) {
            this.caFile = caFile;
            this.ssl = caFile == null ? null : PemFiles.trusting(ElasticsearchAccess.CA_FILE, caFile);
            return this;
        }

        /** Encoded API key (the {@code encoded} value Elasticsearch returns). */
        public Builder apiKey(String apiKey) {
            this.authorization = "ApiKey " + Objects.requireNonNull(apiKey, "apiKey");
            this.who = "api key";
            return this;
        }

        /** An {@code Authorization} header value as it is ({@code ApiKey …}, {@code Basic …}). */
        public Builder authorization(String authorization) {
            this.authorization = Objects.requireNonNull(authorization, "authorization");
            this.who = authorization.startsWith("ApiKey") ? "api key" : "basic auth";
            return this;
        }

        public Builder basicAuth(String username, String password) {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                    (username + ":" + password).getBytes(StandardCharsets.UTF_8));
            this.who = "basic auth as " + username;
            return this;
        }

        public Builder requestTimeout(Duration requestTimeout) {
            this.requestTimeout = requestTimeout;
            return this;
        }

        /** Gzip request bodies (default on: bulk bodies of JSON logs shrink about 6 times, at the fastest level). */
        public Builder compression(boolean compression) {
            this.compression = compression;
            return this;
        }

        public EsConnection build() {
            return new EsConnection(this);
        }
    }
}
