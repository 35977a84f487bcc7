package io.fabstir.shipper.sink.loki;

import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.security.PemFiles;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/** The HTTP side of a push: tenant and auth headers, TLS, timeouts. Never logs the credentials it carries. */
final class LokiHttp {

    /** Loki's answer to one push; {@code status} is -1 when no answer came (connect error, timeout). */
    record Response(int status, String body, Optional<Duration> retryAfter) {
        boolean accepted() {
            return status >= 200 && status < 300;
        }

        boolean retryable() {
            return status < 0 || status == 429 || status >= 500 || status == 408;
        }
    }

    private final HttpClient client;
    private final URI pushUri;
    private final String tenant;
    private final String authorization;
    private final Duration requestTimeout;

    LokiHttp(URI pushUri, String tenant, String authorization, Path caFile, Duration requestTimeout) {
        this.pushUri = pushUri;
        this.tenant = tenant;
        this.authorization = authorization;
        this.requestTimeout = requestTimeout;
        HttpClient.Builder b = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .version(HttpClient.Version.HTTP_1_1);
        if (caFile != null) {
            b.sslContext(sslContextTrusting(caFile));
        }
        this.client = b.build();
    }

    /** {@code http://host:3100} (or with a trailing slash) gets Loki's push path appended; a full path is kept. */
    static URI pushUri(URI base) {
        String path = base.getPath();
        if (path == null || path.isEmpty() || path.equals("/")) {
            return base.resolve("/loki/api/v1/push");
        }
        return base;
    }

    Response push(byte[] body, String contentType) {
        HttpRequest.Builder req = HttpRequest.newBuilder(pushUri)
                .timeout(requestTimeout)
                .header("Content-Type", contentType)
                .header("User-Agent", "fabstir-shipper")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (tenant != null && !tenant.isEmpty()) {
            req.header("X-Scope-OrgID", tenant);
        }
        if (authorization != null) {
            req.header("Authorization", authorization);
        }
        try {
            HttpResponse<InputStream> resp = client.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            String text;
            try (InputStream in = resp.body()) {
                // Loki's error bodies are short; cap what we keep in memory and in DLQ reasons.
                text = new String(in.readNBytes(64 * 1024), java.nio.charset.StandardCharsets.UTF_8);
            }
            return new Response(resp.statusCode(), text, retryAfter(resp));
        } catch (IOException e) {
            return new Response(-1, e.getClass().getSimpleName() + ": " + e.getMessage(), Optional.empty());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Response(-1, "interrupted", Optional.empty());
        }
    }

    private static Optional<Duration> retryAfter(HttpResponse<?> resp) {
        return resp.headers().firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: fall back to our own backoff
            }
        });
    }

    static SSLContext sslContextTrusting(Path caFile) {
        try {
            return PemFiles.trusting(LokiConfig.TLS_CA_FILE, caFile);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "LokiHttp{" + pushUri + (tenant != null ? ", tenant=" + tenant : "")
                + (authorization != null ? ", auth=****" : "") + "}";
    }
}
