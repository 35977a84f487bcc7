package io.fabstir.shipper.sink.loki;

import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.normalize.Normalized;
import io.fabstir.shipper.sink.Sink;
import io.fabstir.shipper.sink.SinkMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Loki {@link Sink}: pushes documents to Loki's push API (snappy protobuf or JSON) with a small bounded label
 * set ({@link LabelRules}), ids as structured metadata, each stream in timestamp order. Like loki4j, it batches by
 * itself: one sender thread takes what was submitted, up to {@code batch.max_entries} / {@code batch.max_bytes} or
 * what arrived within {@code batch.linger}, and pushes it; outages and rate limits are waited out with backoff
 * ({@link LokiPusher}), and each document's delivery is settled once Loki took it or refused it for good. One sender,
 * one batch at a time, so a stream's entries reach Loki in the order they were submitted.
 *
 * <pre>{@code
 * IndexLoop.builder().bootstrapServers("kafka:9092").groupId("fabstir-loki")
 *         .sink(LokiSink.builder().url(URI.create("http://loki:3100")).tenant("fabstir").build()).build();
 * }</pre>
 */
public final class LokiSink implements Sink {
    public static final String NAME = "loki";
    private static final Logger LOG = LoggerFactory.getLogger(LokiSink.class);

    private final Builder cfg;
    private final RecordMapper mapper;
    private final LokiPusher pusher;
    private final SinkMetrics metrics;
    private final BlockingQueue<Submitted> queue = new LinkedBlockingQueue<>();
    private final Thread sender;
    private volatile boolean closing;
    private volatile boolean flushNow;

    /** A document waiting for the sender. */
    private record Submitted(Normalized.Document document, Delivery delivery) {}

    private LokiSink(Builder b, String authorization) {
        this.cfg = b;
        this.metrics = SinkMetrics.of(b.registry, NAME);
        this.mapper = new RecordMapper(LabelRules.of(b.labels, b.maxLabelValues), b.structuredMetadata, b.maxLineBytes);
        LokiHttp http = new LokiHttp(LokiHttp.pushUri(b.url), b.tenant, authorization, b.caFile, b.requestTimeout);
        this.pusher = new LokiPusher(http, PushEncoder.of(b.format), b.batchMaxBytes, b.batchMaxEntries,
                b.retryInitial, b.retryMax, metrics);
        this.sender = new Thread(this::send, "loki-sink-sender");
        sender.setDaemon(true);
        sender.start();
        LOG.info("Loki sink pushing to {}", b.url);
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void submit(Normalized.Document document, Delivery delivery) {
        queue.add(new Submitted(document, delivery));
    }

    @Override
    public void flush() {
        flushNow = true;
    }

    /** Stops the sender; entries not yet acknowledged by Loki stay unsettled (their records are read again). */
    @Override
    public void close() {
        closing = true;
        sender.interrupt();
        try {
            sender.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Loki sink stopped");
    }

    private void send() {
        List<Submitted> batch = new ArrayList<>();
        try {
            while (!closing) {
                if (collect(batch)) {
                    push(batch);
                    batch.clear();
                }
            }
        } catch (InterruptedException | LokiPusher.Stopped e) {
            // closing: what is not acknowledged is read again by the next consumer
        }
    }

    /** Fills {@code batch} until it is full, its linger elapsed, or a flush was asked; true when there is one to push. */
    private boolean collect(List<Submitted> batch) throws InterruptedException {
        Submitted first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
            return false;
        }
        batch.add(first);
        long bytes = first.document().source().length;
        long deadline = System.nanoTime() + cfg.linger.toNanos();
        while (batch.size() < cfg.batchMaxEntries && bytes < cfg.batchMaxBytes && !flushNow) {
            long left = deadline - System.nanoTime();
            Submitted next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
            if (next == null) {
                break;
            }
            batch.add(next);
            bytes += next.document().source().length;
        }
        flushNow = false;
        return true;
    }

    private void push(List<Submitted> batch) {
        long start = System.nanoTime();
        List<LogEntry> entries = new ArrayList<>(batch.size());
        for (Submitted s : batch) {
            if (s.delivery().abandoned()) {
                continue; // its partition moved on: the new owner sends it
            }
            try {
                entries.add(mapper.map(s.document(), s.delivery()));
            } catch (RecordMapper.Unmappable e) {
                s.delivery().rejected(e.errorType, "loki: " + e.getMessage());
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        LokiPusher.Result result = pusher.push(entries, this::pause, () -> closing, e -> !e.delivery().abandoned());
        Set<Delivery> notStored = Collections.newSetFromMap(new IdentityHashMap<>());
        for (LokiPusher.Rejection r : result.rejected()) {
            notStored.add(r.entry().delivery());
            r.entry().delivery().rejected(r.errorType(), r.reason()); // the loop dead-letters it, with the reason
        }
        for (LogEntry e : result.abandoned()) {
            notStored.add(e.delivery());
        }
        if (!result.abandoned().isEmpty()) {
            LOG.info("{} entries of revoked partitions left to their new owner", result.abandoned().size());
        }
        for (LogEntry e : entries) {
            if (!notStored.contains(e.delivery())) {
                e.delivery().stored();
            }
        }
        metrics.batch((System.nanoTime() - start) / 1e9);
    }

    /** A retry's wait; interrupted by {@link #close()}. */
    private void pause(Duration d) throws InterruptedException {
        if (closing) {
            throw new LokiPusher.Stopped();
        }
        Thread.sleep(d.toMillis());
    }

    /** Settings of a {@link LokiSink}; {@link #build()} validates them and names the first bad one. */
    /** Loki's answer to {@link Builder#probe()}: the HTTP status (-1: no answer, {@code body} says why) and body. */
    public record Probe(URI url, int status, String body) {
        public boolean accepted() {
            return status >= 200 && status < 300;
        }
    }

    public static final class Builder {
        private URI url;
        private String tenant;
        private String basicUser;
        private Path basicPasswordFile;
        private String basicPasswordEnv;
        private Path bearerTokenFile;
        private String bearerTokenEnv;
        private Path caFile;
        private boolean allowPlaintextCredentials;
        private List<String> labels = LabelRules.DEFAULT_LABELS;
        private int maxLabelValues = 1000;
        private List<String> structuredMetadata = RecordMapper.DEFAULT_METADATA;
        private PushFormat format = PushFormat.PROTOBUF;
        private int batchMaxBytes = 1024 * 1024;
        private int batchMaxEntries = 2000;
        private Duration linger = Duration.ofSeconds(1);
        private int maxLineBytes = RecordMapper.DEFAULT_MAX_LINE_BYTES;
        private Duration retryInitial = Duration.ofMillis(500);
        private Duration retryMax = Duration.ofSeconds(30);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private PrometheusRegistry registry = MetricsEndpoint.registry();

        private Builder() {}

        /** Loki's base URL ({@code http://loki:3100}) or its full push URL. */
        public Builder url(URI v) { url = v; return this; }
        /** Sent as {@code X-Scope-OrgID}; leave unset for a single-tenant Loki. */
        public Builder tenant(String v) { tenant = v; return this; }
        /** Basic auth with the password read from a file (first line, trimmed) at build time. */
        public Builder basicAuth(String user, Path passwordFile) { basicUser = user; basicPasswordFile = passwordFile; return this; }
        /** Basic auth with the password read from an environment variable at build time. */
        public Builder basicAuthFromEnv(String user, String passwordEnv) { basicUser = user; basicPasswordEnv = passwordEnv; return this; }
        public Builder bearerTokenFile(Path v) { bearerTokenFile = v; return this; }
        public Builder bearerTokenEnv(String v) { bearerTokenEnv = v; return this; }
        /** PEM file of the CA certificate(s) to trust for an https URL, instead of the JVM's trust store. */
        public Builder caFile(Path v) { caFile = v; return this; }
        /** Lets basic or bearer credentials go to an http:// URL (test networks only; refused by default). */
        public Builder allowPlaintextCredentials(boolean v) { allowPlaintextCredentials = v; return this; }
        /** Label specs, {@code name=field} or a bare field; default service_name, level, event_dataset, node_id. */
        public Builder labels(List<String> v) { labels = List.copyOf(v); return this; }
        /** Distinct values one label may take before further values become {@code _other_}. */
        public Builder maxLabelValues(int v) { maxLabelValues = v; return this; }
        /** Structured metadata specs, {@code name=field}; default event_id, trace_id, span_id, fabstir_job_id. */
        public Builder structuredMetadata(List<String> v) { structuredMetadata = List.copyOf(v); return this; }
        public Builder format(PushFormat v) { format = v; return this; }
        public Builder batchMaxBytes(int v) { batchMaxBytes = v; return this; }
        public Builder batchMaxEntries(int v) { batchMaxEntries = v; return this; }
        public Builder linger(Duration v) { linger = v; return this; }
        /** Longer lines are truncated with a marker (never dropped); Loki's default limit is 256 KB. */
        public Builder maxLineBytes(int v) { maxLineBytes = v; return this; }
        public Builder retryBackoff(Duration initial, Duration max) { retryInitial = initial; retryMax = max; return this; }
        public Builder requestTimeout(Duration v) { requestTimeout = v; return this; }
        /** Where the metrics are registered; default the shipper's shared registry ({@code MetricsEndpoint.registry()}). */
        public Builder registry(PrometheusRegistry v) { registry = v; return this; }

        public LokiSink build() {
            return new LokiSink(this, validated());
        }

        /**
         * Validates the settings as {@link #build()} does, then pushes a batch with no streams, as the sink would
         * push (format, tenant, credential, TLS), without starting a sink: Loki's answer to a request that stores
         * nothing ({@code fabstir-shipper check}).
         */
        public Probe probe() {
            String authorization = validated();
            PushEncoder encoder = PushEncoder.of(format);
            LokiHttp.Response r = new LokiHttp(LokiHttp.pushUri(url), tenant, authorization, caFile, requestTimeout)
                    .push(encoder.encode(new PushBatch.Request(List.of())), encoder.contentType());
            return new Probe(LokiHttp.pushUri(url), r.status(), r.body());
        }

        /** Checks every setting and reads the credential; returns the Authorization header value, or null. */
        private String validated() {
            if (url == null) {
                throw new LokiConfig.InvalidKey("loki.url", "is required");
            }
            String scheme = url.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                throw new LokiConfig.InvalidKey("loki.url", "must be http:// or https://, got " + url);
            }
            positive(batchMaxBytes, "loki.batch.max_bytes");
            positive(batchMaxEntries, "loki.batch.max_entries");
            if (maxLineBytes < 256) {
                throw new LokiConfig.InvalidKey("loki.line.max_bytes", "must be at least 256");
            }
            if (retryInitial.isNegative() || retryInitial.isZero() || retryMax.compareTo(retryInitial) < 0) {
                throw new LokiConfig.InvalidKey("loki.retry.max_ms", "must be >= loki.retry.initial_ms > 0");
            }
            try {
                LabelRules.of(labels, maxLabelValues);
            } catch (IllegalArgumentException e) {
                throw new LokiConfig.InvalidKey("loki.labels", e.getMessage());
            }
            try {
                new RecordMapper(LabelRules.defaults(), structuredMetadata, maxLineBytes);
            } catch (IllegalArgumentException e) {
                throw new LokiConfig.InvalidKey("loki.structured_metadata", e.getMessage());
            }
            if (caFile != null) {
                try {
                    LokiHttp.sslContextTrusting(caFile);
                } catch (IllegalArgumentException e) {
                    throw new LokiConfig.InvalidKey("loki.tls.ca_file", e.getMessage());
                }
            }
            String authorization = authorization();
            if (authorization != null && "http".equalsIgnoreCase(scheme) && !allowPlaintextCredentials) {
                throw new LokiConfig.InvalidKey("loki.url", url + " would receive the " + (basicUser != null
                        ? "basic-auth password" : "bearer token") + " unencrypted: use https:// (and loki.tls.ca_file), "
                        + "or set " + LokiConfig.ALLOW_PLAINTEXT + ": true on a test network");
            }
            return authorization;
        }

        private String authorization() {
            boolean basic = basicUser != null;
            boolean bearer = bearerTokenFile != null || bearerTokenEnv != null;
            if (basic && bearer) {
                throw new LokiConfig.InvalidKey("loki.auth.bearer.token_file", "basic and bearer auth are exclusive");
            }
            if (basic) {
                String pw = secret(basicPasswordFile, basicPasswordEnv, "loki.auth.basic.password_file",
                        "loki.auth.basic.password_env");
                String token = basicUser + ":" + pw;
                return "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8));
            }
            if (bearer) {
                return "Bearer " + secret(bearerTokenFile, bearerTokenEnv, "loki.auth.bearer.token_file",
                        "loki.auth.bearer.token_env");
            }
            return null;
        }

        /** Reads a secret; errors name the key and the source, never the secret. */
        private static String secret(Path file, String env, String fileKey, String envKey) {
            if (file != null) {
                try {
                    String s = Files.readString(file, StandardCharsets.UTF_8).strip();
                    if (s.isEmpty()) {
                        throw new LokiConfig.InvalidKey(fileKey, "file " + file + " is empty");
                    }
                    return s;
                } catch (IOException e) {
                    throw new LokiConfig.InvalidKey(fileKey, "cannot read " + file + ": " + e.getMessage());
                }
            }
            if (env != null) {
                String s = System.getenv(env);
                if (s == null || s.isBlank()) {
                    throw new LokiConfig.InvalidKey(envKey, "environment variable " + env + " is not set");
                }
                return s.strip();
            }
            throw new LokiConfig.InvalidKey(fileKey, "a password/token file or environment variable is required");
        }

        private static void positive(int v, String key) {
            if (v <= 0) {
                throw new LokiConfig.InvalidKey(key, "must be positive, got " + v);
            }
        }

        @Override
        public String toString() {
            return "LokiSink.Builder{url=" + url + ", tenant=" + tenant
                    + ", auth=" + (basicUser != null ? "basic(" + basicUser + ":****)" : bearerTokenFile != null
                    || bearerTokenEnv != null ? "bearer(****)" : "none") + ", format=" + format + "}";
        }
    }

    @Override
    public String toString() {
        return "LokiSink" + cfg;
    }
}
