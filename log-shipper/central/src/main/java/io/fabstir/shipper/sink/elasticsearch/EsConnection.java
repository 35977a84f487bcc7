package io.fabstir.shipper.sink.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.ElasticsearchTransportBase;
import co.elastic.clients.transport.http.TransportHttpClient;
import co.elastic.clients.transport.rest_client.RestClientHttpClient;
import org.apache.http.Header;
import org.apache.http.HttpHost;
import org.apache.http.auth.AuthScope;
import org.apache.http.auth.UsernamePasswordCredentials;
import org.apache.http.impl.client.BasicCredentialsProvider;
import org.apache.http.message.BasicHeader;
import org.elasticsearch.client.RestClient;
import org.elasticsearch.client.RestClientBuilder;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Connection to an Elasticsearch cluster: several hosts (round robin with failover), HTTPS with a CA file, API key
 * or basic auth, request timeout and request compression. Credentials are held only in the client and never
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
        if (b.apiKey != null) {
            headers.add(new BasicHeader("Authorization", "ApiKey " + b.apiKey));
        }
        rb.setDefaultHeaders(headers.toArray(Header[]::new));
        // Compression is ours (RequestCompression: level 1, requests only), not the client's (level 6, both ways).
        rb.setCompressionEnabled(false);
        int timeoutMs = (int) b.requestTimeout.toMillis();
        rb.setRequestConfigCallback(rc -> rc.setConnectTimeout(Math.min(timeoutMs, 10_000)).setSocketTimeout(timeoutMs));
        SSLContext ssl = b.caFile == null ? null : sslContext(b.caFile);
        BasicCredentialsProvider credentials = null;
        if (b.username != null) {
            credentials = new BasicCredentialsProvider();
            credentials.setCredentials(AuthScope.ANY, new UsernamePasswordCredentials(b.username, b.password));
        }
        BasicCredentialsProvider creds = credentials;
        rb.setHttpClientConfigCallback(hc -> {
            if (ssl != null) {
                hc.setSSLContext(ssl);
            }
            if (creds != null) {
                hc.setDefaultCredentialsProvider(creds);
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
        this.description = "Elasticsearch " + hosts + (b.apiKey != null ? " (api key)" : b.username != null
                ? " (basic auth as " + b.username + ")" : "") + (ssl != null ? " (CA " + b.caFile + ")" : "");
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

    private static SSLContext sslContext(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca-" + i++, cert);
            }
            if (i == 0) {
                throw new IllegalArgumentException("no certificate in CA file " + caFile);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read CA file " + caFile + ": " + e.getMessage(), e);
        }
    }

    public static final class Builder {
        private final List<String> hosts = new ArrayList<>();
        private Path caFile;
        private String apiKey;
        private String username;
        private String password;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private boolean compression = true;

        private Builder() {
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
            return this;
        }

        /** Encoded API key (the {@code encoded} value Elasticsearch returns). */
        public Builder apiKey(String apiKey) {
            this.apiKey = apiKey;
            return this;
        }

        public Builder basicAuth(String username, String password) {
            this.username = Objects.requireNonNull(username, "username");
            this.password = Objects.requireNonNull(password, "password");
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
