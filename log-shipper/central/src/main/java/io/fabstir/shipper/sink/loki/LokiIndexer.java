package io.fabstir.shipper.sink.loki;

import io.fabstir.shipper.logging.LogExcerpt;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Loki sink of {@code fabstir-shipper index}: its own Kafka consumer group on {@code fabstir.logs}, pushing
 * every record to Loki's push API. Offsets are committed only after Loki accepted (or the DLQ holds) every record
 * before them, so a crash or an outage re-sends and never loses.
 *
 * <pre>{@code
 * try (LokiIndexer indexer = LokiIndexer.builder()
 *         .bootstrapServers("kafka:9092").url(URI.create("http://loki:3100")).tenant("fabstir").build()) {
 *     indexer.run(); // blocks until close() from another thread
 * }
 * }</pre>
 */
public final class LokiIndexer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LokiIndexer.class);

    private final Builder cfg;
    private final RecordMapper mapper;
    private final LokiPusher pusher;
    private final LokiMetrics metrics;
    private final Map<String, Object> consumerProps;
    private final Map<String, Object> producerProps;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean closing;
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    // Owned by the run() thread only.
    private List<ConsumerRecord<byte[], byte[]>> pending = new ArrayList<>();
    private long pendingBytes;
    private long pendingSinceNanos;
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    private LokiIndexer(Builder b, String authorization) {
        this.cfg = b;
        this.metrics = new LokiMetrics(b.registry);
        LabelRules labels = LabelRules.of(b.labels, b.maxLabelValues);
        this.mapper = new RecordMapper(labels, b.structuredMetadata, b.maxLineBytes);
        LokiHttp http = new LokiHttp(LokiHttp.pushUri(b.url), b.tenant, authorization, b.caFile, b.requestTimeout);
        this.pusher = new LokiPusher(http, PushEncoder.of(b.format), b.batchMaxBytes, b.batchMaxEntries,
                b.retryInitial, b.retryMax, metrics);

        Map<String, Object> c = new HashMap<>(b.consumerProperties);
        Map<String, Object> p = new HashMap<>(b.producerProperties);
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, b.groupId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, b.groupId);
        this.consumerProps = c;
        for (Map.Entry<String, Object> e : b.consumerProperties.entrySet()) {
            // The DLQ producer talks to the same cluster: share its security settings unless given its own.
            if (e.getKey().startsWith("security.") || e.getKey().startsWith("sasl.") || e.getKey().startsWith("ssl.")) {
                p.putIfAbsent(e.getKey(), e.getValue());
            }
        }
        p.put("bootstrap.servers", b.bootstrapServers);
        this.producerProps = p;
    }

    /** For tests in this package: the counters behind the exported metrics. */
    LokiMetrics metrics() {
        return metrics;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds from flat configuration keys (see {@link LokiConfig}); a bad value names its key. */
    public static LokiIndexer fromConfig(Map<String, String> config) {
        return LokiConfig.builder(config).build();
    }

    /** Consumes and pushes until {@link #close()}; returns after the consumer has left the group. */
    public void run() {
        if (closing) {
            stopped.countDown();
            return;
        }
        running = true;
        try (DeadLetters dlq = new DeadLetters(producerProps, cfg.dlqTopic);
             KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps,
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer = c;
            c.subscribe(List.of(cfg.topic), new Rebalance());
            LOG.info("Loki sink consuming {} as group {} into {}", cfg.topic, cfg.groupId, cfg.url);
            while (!closing) {
                buffer(c.poll(Duration.ofMillis(Math.min(500, Math.max(10, cfg.linger.toMillis())))));
                recordLag(c);
                if (shouldFlush()) {
                    flush(c, dlq);
                }
            }
        } catch (WakeupException | LokiPusher.Stopped e) {
            if (!closing) {
                throw e;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer = null;
            running = false;
            // Logged before releasing close(): on SIGTERM the JVM halts as soon as the closing hook returns.
            LOG.info("Loki sink stopped");
            stopped.countDown();
        }
    }

    /** Stops {@link #run()} (uncommitted records are re-read by the next consumer) and waits for it to finish. */
    @Override
    public void close() {
        closing = true;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (running) {
            try {
                stopped.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void buffer(ConsumerRecords<byte[], byte[]> records) {
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (pending.isEmpty()) {
                pendingSinceNanos = System.nanoTime();
            }
            pending.add(r);
            pendingBytes += r.serializedValueSize() > 0 ? r.serializedValueSize() : 0;
        }
    }

    private boolean shouldFlush() {
        return !pending.isEmpty() && (pending.size() >= cfg.batchMaxEntries || pendingBytes >= cfg.batchMaxBytes
                || System.nanoTime() - pendingSinceNanos >= cfg.linger.toNanos());
    }

    private void flush(KafkaConsumer<byte[], byte[]> c, DeadLetters dlq) throws InterruptedException {
        List<ConsumerRecord<byte[], byte[]>> batch = pending;
        pending = new ArrayList<>();
        pendingBytes = 0;
        long start = System.nanoTime();

        List<LogEntry> entries = new ArrayList<>(batch.size());
        List<DeadLetters.Letter> letters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            Long done = committed.get(new TopicPartition(r.topic(), r.partition()));
            if (done != null && r.offset() < done) {
                continue; // re-read after a rebalance while its first copy was in flight, and already committed
            }
            LogEntry.Source src = new LogEntry.Source(r.topic(), r.partition(), r.offset(), r.key(), r.value());
            try {
                entries.add(mapper.map(src, r.timestamp()));
            } catch (RecordMapper.Unmappable e) {
                letters.add(new DeadLetters.Letter(src, e.errorType, "loki: " + e.getMessage()));
            }
        }
        LokiPusher.Result result = pusher.push(entries, this::waitPolling, () -> closing,
                e -> c.assignment().contains(new TopicPartition(e.source().topic(), e.source().partition())));
        List<LokiPusher.Rejection> rejected = result.rejected();
        if (!result.abandoned().isEmpty()) {
            LOG.info("{} records of revoked partitions left to their new owner", result.abandoned().size());
        }
        for (LokiPusher.Rejection rej : rejected) {
            letters.add(new DeadLetters.Letter(rej.entry().source(), rej.errorType(), rej.reason()));
        }
        if (!letters.isEmpty()) {
            sendToDlq(dlq, letters);
        }
        metrics.indexed(entries.size() - rejected.size() - result.abandoned().size());
        metrics.dlq(letters.size());
        commit(c, batch);
        c.resume(c.paused());
        metrics.batch((System.nanoTime() - start) / 1e9);
    }

    private void sendToDlq(DeadLetters dlq, List<DeadLetters.Letter> letters) throws InterruptedException {
        long backoff = cfg.retryInitial.toMillis();
        while (true) {
            try {
                dlq.sendAll(letters);
                for (DeadLetters.Letter l : letters) {
                    LOG.warn("record {} sent to DLQ {}: {}", l.source().describe(), cfg.dlqTopic, LogExcerpt.of(l.reason()));
                }
                return;
            } catch (RuntimeException e) {
                if (closing) {
                    throw new LokiPusher.Stopped();
                }
                metrics.retry();
                LOG.warn("DLQ write failed, retrying in {} ms: {}", backoff, LogExcerpt.of(e.getMessage()));
                waitPolling(Duration.ofMillis(backoff));
                backoff = Math.min(cfg.retryMax.toMillis(), backoff * 2);
            }
        }
    }

    /** Commits, per partition still ours, the offset after the last record of the batch (never going back). */
    private void commit(KafkaConsumer<byte[], byte[]> c, List<ConsumerRecord<byte[], byte[]>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        var assigned = c.assignment();
        for (ConsumerRecord<byte[], byte[]> r : batch) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (!assigned.contains(tp)) {
                continue; // revoked meanwhile: its new owner re-reads from the last commit
            }
            long next = r.offset() + 1;
            Long done = committed.get(tp);
            if ((done == null || next > done)
                    && (offsets.get(tp) == null || next > offsets.get(tp).offset())) {
                offsets.put(tp, new OffsetAndMetadata(next));
            }
        }
        long backoff = cfg.retryInitial.toMillis();
        while (!offsets.isEmpty()) {
            try {
                c.commitSync(offsets);
                offsets.forEach((tp, om) -> committed.put(tp, om.offset()));
                return;
            } catch (CommitFailedException e) {
                // The group moved on without us: the partitions' new owner re-reads from the last commit.
                LOG.warn("offset commit refused after a rebalance, records will be re-read: {}", LogExcerpt.of(e.getMessage()));
                return;
            } catch (RetriableException | RebalanceInProgressException e) {
                metrics.retry();
                LOG.warn("offset commit failed, retrying in {} ms: {}", backoff, LogExcerpt.of(e));
                waitPolling(Duration.ofMillis(backoff)); // also completes a rebalance in progress
                backoff = Math.min(cfg.retryMax.toMillis(), backoff * 2);
                offsets.keySet().retainAll(c.assignment());
            }
        }
    }

    /**
     * Waits out a retry backoff while keeping the group membership alive: all partitions are paused and the
     * consumer polled, so rebalances are served and max.poll.interval.ms is never exceeded during an outage.
     */
    private void waitPolling(Duration d) {
        KafkaConsumer<byte[], byte[]> c = consumer;
        long deadline = System.nanoTime() + d.toNanos();
        while (!closing) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            c.pause(c.assignment());
            // Partitions assigned during this poll are not paused yet: what they return waits in `pending`.
            buffer(c.poll(Duration.ofNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)))));
        }
        throw new LokiPusher.Stopped();
    }

    private void recordLag(KafkaConsumer<byte[], byte[]> c) {
        for (TopicPartition tp : c.assignment()) {
            c.currentLag(tp).ifPresent(lag -> metrics.lag(tp.partition(), lag));
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            drop(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            LOG.info("Loki sink assigned {}", partitions);
        }

        /** Not-yet-pushed records of lost partitions are left to their next owner, which starts at our last commit. */
        private void drop(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            LOG.info("Loki sink revoked {}", partitions);
            pending.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            pendingBytes = 0;
            for (ConsumerRecord<byte[], byte[]> r : pending) {
                pendingBytes += Math.max(0, r.serializedValueSize());
            }
            partitions.forEach(committed::remove);
        }
    }

    /** Settings of a {@link LokiIndexer}; {@link #build()} validates them and names the first bad one. */
    public static final class Builder {
        private String bootstrapServers;
        private String topic = "fabstir.logs";
        private String groupId = "fabstir-loki";
        private String dlqTopic = "fabstir.logs.dlq";
        private URI url;
        private String tenant;
        private String basicUser;
        private Path basicPasswordFile;
        private String basicPasswordEnv;
        private Path bearerTokenFile;
        private String bearerTokenEnv;
        private Path caFile;
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
        private Map<String, Object> consumerProperties = Map.of();
        private Map<String, Object> producerProperties = Map.of();
        private PrometheusRegistry registry = io.fabstir.shipper.metrics.MetricsEndpoint.registry();

        private Builder() {}

        public Builder bootstrapServers(String v) { bootstrapServers = v; return this; }
        public Builder topic(String v) { topic = v; return this; }
        public Builder groupId(String v) { groupId = v; return this; }
        public Builder dlqTopic(String v) { dlqTopic = v; return this; }
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
        /** Any Kafka consumer property (security, timeouts…); auto commit is always off. */
        public Builder consumerProperties(Map<String, ?> v) { consumerProperties = Map.copyOf(v); return this; }
        /** Properties of the DLQ producer (acks=all and idempotence are kept). */
        public Builder producerProperties(Map<String, ?> v) { producerProperties = Map.copyOf(v); return this; }

        /**
         * Kafka client properties as the {@code index} command takes them: {@code consumer.x} for the consumer only,
         * {@code producer.x} for the DLQ producer only, anything else for both.
         */
        public Builder kafkaProperties(Map<String, String> v) {
            Map<String, Object> consumer = new HashMap<>();
            Map<String, Object> producer = new HashMap<>();
            v.forEach((k, val) -> {
                if (k.startsWith("consumer.")) {
                    consumer.put(k.substring("consumer.".length()), val);
                } else if (k.startsWith("producer.")) {
                    producer.put(k.substring("producer.".length()), val);
                } else {
                    consumer.put(k, val);
                    producer.put(k, val);
                }
            });
            consumerProperties = Map.copyOf(consumer);
            producerProperties = Map.copyOf(producer);
            return this;
        }
        /** Where the metrics are registered; default the shipper's shared registry ({@code MetricsEndpoint.registry()}). */
        public Builder metricsRegistry(PrometheusRegistry v) { registry = v; return this; }

        public LokiIndexer build() {
            require(bootstrapServers, "kafka.bootstrap_servers");
            require(topic, "kafka.topic");
            require(groupId, "kafka.group_id");
            require(dlqTopic, "kafka.dlq_topic");
            if (url == null) {
                throw new LokiConfig.InvalidKey("loki.url", "is required");
            }
            String scheme = url.getScheme();
            if (!"http".equalsIgnoreCase(scheme) && !"https".equalsIgnoreCase(scheme)) {
                throw new LokiConfig.InvalidKey("loki.url", "must be http:// or https://, got " + url);
            }
            Object auto = consumerProperties.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
            if (auto != null && Boolean.parseBoolean(auto.toString())) {
                throw new LokiConfig.InvalidKey("enable.auto.commit",
                        "must stay false: offsets are committed only after Loki accepted");
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
            return new LokiIndexer(this, authorization());
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

        private static void require(String v, String key) {
            if (v == null || v.isBlank()) {
                throw new LokiConfig.InvalidKey(key, "is required");
            }
        }

        private static void positive(int v, String key) {
            if (v <= 0) {
                throw new LokiConfig.InvalidKey(key, "must be positive, got " + v);
            }
        }

        @Override
        public String toString() {
            return "LokiIndexer.Builder{url=" + url + ", tenant=" + tenant + ", topic=" + topic + ", group=" + groupId
                    + ", auth=" + (basicUser != null ? "basic(" + basicUser + ":****)" : bearerTokenFile != null
                    || bearerTokenEnv != null ? "bearer(****)" : "none") + ", format=" + format + "}";
        }
    }

    @Override
    public String toString() {
        return "LokiIndexer" + Objects.toString(cfg);
    }
}
