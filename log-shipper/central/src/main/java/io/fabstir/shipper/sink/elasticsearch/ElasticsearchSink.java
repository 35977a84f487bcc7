package io.fabstir.shipper.sink.elasticsearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.shipper.identity.Provenance;
import io.fabstir.shipper.identity.ScopedIds;
import io.fabstir.shipper.identity.SourceFields;
import io.fabstir.shipper.logging.LogExcerpt;
import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.normalize.Normalized;
import io.fabstir.shipper.retry.Backoff;
import io.fabstir.shipper.sink.DeadLetter;
import io.fabstir.shipper.sink.Sink;
import io.fabstir.shipper.sink.SinkMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.MgetResponse;
import co.elastic.clients.elasticsearch.core.mget.MultiGetResponseItem;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.transport.TransportOptions;
import co.elastic.clients.util.BinaryData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The Elasticsearch {@link Sink}: each document goes to the daily index of its {@code @timestamp}
 * ({@link IndexNames}) under its id, through the client's {@link BulkIngester} (bounded by operation count, bytes and
 * concurrent requests), and settles from its own bulk item result:
 * <ul>
 *   <li>201/200 → {@link Delivery#stored()};</li>
 *   <li>409 (the node-scoped {@code _id} is taken: documents are written with {@code create}) → the stored
 *       document's {@code fabstir.content_hash} is read back: the same hash is the same record, delivered again, so
 *       stored; a different one is a different record of the node under a reused {@code event.id}, which is then
 *       created under its own content-derived id ({@link ScopedIds#reused}),
 *       flagged {@code reused_event_id} and counted; a 409 there is its own re-delivery. Never dropped;</li>
 *   <li>429, 5xx, 401 or a 403 {@code security_exception} (a credential revoked or short of a privilege: the
 *       records wait in Kafka until it is fixed), or the whole request failing (connection refused, timeout) →
 *       retried after exponential backoff with jitter, for as long as it takes, unless the delivery is
 *       {@linkplain Delivery#abandoned() abandoned};</li>
 *   <li>any other 4xx (mapping or parse errors) → {@link Delivery#rejected(String, String)}.</li>
 * </ul>
 * Every document carries its {@code fabstir.content_hash} (added here: it concerns only this sink's ids). Reading it
 * back needs the {@code read} privilege on the indices, besides {@code create_doc} (docs/security.md).
 * Dead letters are kept in the daily DLQ index too (raw payload as an unindexed string, reason, error type, source
 * position), under the letter's stable id, in the index of the day the record entered Kafka. Outcomes are delivered
 * on a sink thread, never on the HTTP client's I/O thread, so they may block.
 */
public final class ElasticsearchSink implements Sink {
    private static final Logger log = LoggerFactory.getLogger(ElasticsearchSink.class);
    public static final String NAME = "elasticsearch";
    /** Payloads above this are cut in the DLQ index (the Kafka DLQ topic keeps them whole). */
    static final int MAX_DLQ_PAYLOAD_CHARS = 32_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * What a bulk response needs to carry for the sink to settle each item (and the client to read it): the
     * response is otherwise about 200 bytes per document (shards, version, sequence numbers) that Elasticsearch
     * writes and the client parses into objects nobody reads, a visible share of index's CPU (issue 24).
     */
    static final String BULK_RESPONSE_FILTER = "took,errors,items.*._index,items.*.status,items.*.error";

    private final BulkIngester<Pending> ingester;
    private final ElasticsearchAsyncClient async;
    private final ExecutorService settle;
    private final ExecutorService completions;
    private final java.util.concurrent.BlockingQueue<Pending> queue = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Thread feeder;
    private final ScheduledExecutorService retries;
    private final Backoff backoff;
    private final SinkMetrics metrics;
    private final IndexNames names;
    private final IndexNames dlqNames;
    private final Map<Long, Long> started = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong nextRetryWarning = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime());
    private final java.util.concurrent.atomic.AtomicLong nextRefusalError = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime());

    private ElasticsearchSink(Builder b) {
        Objects.requireNonNull(b.client, "client");
        this.backoff = new Backoff(b.initialBackoff, b.maxBackoff);
        this.metrics = SinkMetrics.of(b.registry, NAME);
        this.names = IndexNames.of(b.indexPattern);
        this.dlqNames = IndexNames.of(b.dlqPattern);
        this.settle = Executors.newSingleThreadExecutor(r -> daemon(r, "es-sink-settle"));
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "es-sink-retry"));
        this.completions = Executors.newSingleThreadExecutor(r -> daemon(r, "es-sink-complete"));
        TransportOptions options = b.client._transportOptions() != null ? b.client._transportOptions()
                : b.client._transport().options();
        // Two views of one transport: bulk responses filtered to what settling needs, look-ups (mget) whole.
        HandOffTransport transport = new HandOffTransport(b.client._transport(), completions);
        this.async = new ElasticsearchAsyncClient(transport, options);
        ElasticsearchAsyncClient bulk = new ElasticsearchAsyncClient(transport, options.toBuilder().setParameter("filter_path", BULK_RESPONSE_FILTER).build());
        this.ingester = BulkIngester.of(ib -> ib
                .client(bulk)
                .maxOperations(b.maxOperations)
                .maxSize(b.maxBytes)
                .maxConcurrentRequests(b.maxConcurrentRequests)
                .flushInterval(b.flushInterval.toMillis(), TimeUnit.MILLISECONDS)
                .listener(new Listener()));
        this.feeder = daemon(this::feed, "es-sink-feeder");
        feeder.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    /**
     * Queues one document and returns at once. A feeder thread moves queued documents into the ingester, which
     * blocks while its maximum of requests is in flight; the caller (the Kafka poll loop) keeps fetching meanwhile
     * and bounds memory by how many documents it leaves unsettled.
     */
    @Override
    public void submit(Normalized.Document document, Delivery delivery) {
        Normalized.Identity who = document.identity();
        byte[] source = who == null || who.contentHash() == null ? document.source()
                : withHash(document.source(), who.contentHash());
        queue.add(new Pending(names.name(document.timestamp()), document.id(), source, delivery, document, false));
    }

    @Override
    public void submitDeadLetter(DeadLetter letter, Delivery delivery) {
        queue.add(new Pending(dlqNames.name(letter.entered()), letter.id(), dlqDocument(letter), delivery, null, false));
    }

    private static byte[] withHash(byte[] source, String hash) {
        return SourceFields.lead(source, "\"" + Provenance.CONTENT_HASH + "\":\"" + hash + "\"");
    }

    /** Sends what is buffered now instead of waiting for the flush interval. */
    @Override
    public void flush() {
        ingester.flush();
    }

    /** Documents queued but not yet handed to the ingester. */
    public int queued() {
        return queue.size();
    }

    private void feed() {
        while (!closed || !queue.isEmpty()) {
            Pending d;
            try {
                d = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (d == null) {
                // Idle: send the partial batch ourselves rather than rely only on the ingester's flush timer,
                // so the tail of a stream is never left buffered.
                if (ingester.pendingOperations() > 0) {
                    ingester.flush();
                }
                continue;
            }
            if (d.delivery.abandoned()) {
                continue;
            }
            try {
                add(d);
            } catch (RuntimeException e) {
                log.error("could not hand {} to the bulk ingester; retrying", d.id, e);
                retry(d, e.toString());
            }
        }
    }

    private void add(Pending d) {
        BulkOperation op = BulkOperation.of(b -> b.create(c -> c
                .index(d.index).id(d.id).document(BinaryData.of(d.source, "application/json"))));
        ingester.add(op, d);
    }

    private void retry(Pending d, String why) {
        if (closed || d.delivery.abandoned()) {
            return;
        }
        d.attempts++;
        long delay = backoff.delayMs(d.attempts);
        log.debug("retrying {} in {}: {} (attempt {}, delay {} ms)", d.id, d.index, why, d.attempts, delay);
        warnRetries(why, d.attempts);
        metrics.retry();
        retries.schedule(() -> {
            if (!closed && !d.delivery.abandoned()) {
                queue.add(d);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    /** One warning per few seconds, not one per document, while Elasticsearch is failing. */
    private void warnRetries(String why, int attempt) {
        long now = System.nanoTime();
        long next = nextRetryWarning.get();
        if (now - next >= 0 && nextRetryWarning.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(5))) {
            log.warn("Elasticsearch is refusing or failing requests, retrying with backoff (attempt {}): {}",
                    attempt, LogExcerpt.of(why));
        }
    }

    /** @return whether {@code d} needs its taken id checked (a 409 on a record that can be told apart) */
    private boolean settle(Pending d, BulkResponseItem item) {
        int status = item.status();
        if (status == 409 && d.document != null && !d.reused && d.document.identity() != null
                && d.document.identity().contentHash() != null) {
            return true;
        }
        if (status == 200 || status == 201 || status == 409) {
            if (d.reused && status != 409) {
                metrics.reusedEventId(d.document.identity().node());
                log.info("{}: event.id {} of node {} was taken by a different record: stored as {} (flagged {})",
                        d.index, d.document.identity().eventId(), d.document.identity().node(), d.id,
                        Provenance.REUSED_EVENT_ID);
            }
            d.delivery.stored();
        } else if (status == 401 || status == 403 && item.error() != null
                && "security_exception".equals(item.error().type())) {
            // A credential revoked or short of a privilege: to be fixed, not a bad record (a 403 write block is).
            warnRefused(status + " " + describe(item.error()));
            retry(d, status + " " + describe(item.error()));
        } else if (status == 429 || status >= 500) {
            retry(d, status + " " + describe(item.error()));
        } else {
            ErrorCause e = item.error();
            d.delivery.rejected(e == null ? "http_" + status : e.type(), describe(e));
        }
        return false;
    }

    /**
     * The ids these records were to be created under are taken: reads back the stored documents' content hashes
     * and settles each (same record: stored; different: created under its reuse id; gone meanwhile: created
     * again). If the read fails, each is retried from the start, which asks again.
     */
    private void checkTaken(List<Pending> taken) {
        async.mget(m -> {
            for (Pending d : taken) {
                m.docs(o -> o.index(d.index).id(d.id).source(sc -> sc.filter(f -> f.includes(Provenance.CONTENT_HASH))));
            }
            return m;
        }, JsonNode.class).whenComplete((response, failure) -> {
            if (failure != null) {
                String why = "reading back a taken id: " + failure;
                warnRefused(why);
                taken.forEach(d -> retry(d, why));
                return;
            }
            settleTaken(taken, response);
        });
    }

    private void settleTaken(List<Pending> taken, MgetResponse<JsonNode> response) {
        List<MultiGetResponseItem<JsonNode>> items = response.docs();
        for (int i = 0; i < taken.size(); i++) {
            Pending d = taken.get(i);
            MultiGetResponseItem<JsonNode> item = items.get(i);
            if (item.isFailure()) {
                String why = "reading back a taken id: " + describe(item.failure().error());
                warnRefused(why);
                retry(d, why);
            } else if (!item.result().found()) {
                retry(d, "a taken id was gone when read back");
            } else if (d.document.identity().contentHash().equals(storedHash(item.result().source()))) {
                d.delivery.stored(); // the same record, delivered again
            } else {
                Normalized.Identity who = d.document.identity();
                byte[] flagged = withHash(SourceFields.flag(d.document.source(), Provenance.REUSED_EVENT_ID),
                        who.contentHash());
                String reuseId = ScopedIds.reused(who.node(), who.eventId(), who.contentHash());
                queue.add(new Pending(d.index, reuseId, flagged, d.delivery, d.document, true));
            }
        }
    }

    private static String storedHash(JsonNode source) {
        if (source == null) {
            return null;
        }
        JsonNode h = source.get(Provenance.CONTENT_HASH);
        if (h == null) {
            h = source.path("fabstir").get("content_hash");
        }
        return h == null || !h.isTextual() ? null : h.textValue();
    }

    /** A 401/403: said as an error (a credential or privilege to fix), at most every few seconds. */
    private void warnRefused(String why) {
        if (!why.contains("401") && !why.contains("403") && !why.contains("security_exception")) {
            return;
        }
        long now = System.nanoTime();
        long next = nextRefusalError.get();
        if (now - next >= 0 && nextRefusalError.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(10))) {
            log.error("Elasticsearch refused the indexer's credential or one of its privileges: {}. Nothing is "
                    + "dropped: the records wait in Kafka until the credential (elasticsearch.api_key_file, or "
                    + "elasticsearch.username and password_file) or its role is fixed; see docs/security.md for the "
                    + "indexer's role", LogExcerpt.of(why));
        }
    }

    static String describe(ErrorCause e) {
        if (e == null) {
            return "";
        }
        String reason = e.type() + ": " + e.reason();
        if (e.causedBy() != null) {
            reason += " (caused by " + e.causedBy().type() + ": " + e.causedBy().reason() + ")";
        }
        return reason;
    }

    private final class Listener implements BulkListener<Pending> {
        @Override
        public void beforeBulk(long executionId, BulkRequest request, List<Pending> contexts) {
            started.put(executionId, System.nanoTime());
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Pending> contexts, BulkResponse response) {
            observe(executionId);
            settle.execute(() -> {
                List<BulkResponseItem> items = response.items();
                List<Pending> taken = null;
                for (int i = 0; i < contexts.size(); i++) {
                    try {
                        if (settle(contexts.get(i), items.get(i))) {
                            taken = taken == null ? new ArrayList<>() : taken;
                            taken.add(contexts.get(i));
                        }
                    } catch (RuntimeException e) {
                        log.error("settling bulk item failed", e);
                    }
                }
                if (taken != null) {
                    checkTaken(taken);
                }
            });
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Pending> contexts, Throwable failure) {
            observe(executionId);
            String why = failure.getClass().getSimpleName() + ": " + failure.getMessage();
            warnRefused(why);
            settle.execute(() -> contexts.forEach(d -> retry(d, why)));
        }

        private void observe(long executionId) {
            Long t0 = started.remove(executionId);
            if (t0 != null) {
                metrics.batch((System.nanoTime() - t0) / 1e9);
            }
        }
    }

    /** Flushes and waits for in-flight requests; pending retries are dropped (their offsets were not committed). */
    @Override
    public void close() {
        closed = true;
        try {
            feeder.join(10_000); // hands over what is queued, then stops
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        feeder.interrupt();
        ingester.close();
        retries.shutdownNow();
        completions.shutdown();
        settle.shutdown();
        try {
            settle.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The DLQ index's document: the letter's reason, source position and raw payload (unindexed). */
    static byte[] dlqDocument(DeadLetter letter) {
        ObjectNode doc = JSON.createObjectNode();
        doc.put("@timestamp", letter.entered().toString());
        doc.put("event.ingested", letter.entered().toString());
        if (letter.eventId() != null) {
            doc.put("event.id", letter.eventId());
        }
        if (letter.node() != null) {
            doc.put("fabstir.node_id", letter.node());
        } else if (letter.key() != null) {
            doc.put("fabstir.node_id", new String(letter.key(), StandardCharsets.UTF_8));
        }
        doc.put("fabstir.dlq.reason", letter.reason());
        doc.put("fabstir.dlq.error_type", letter.errorType());
        doc.put("fabstir.dlq.sink", letter.sink());
        String payload = letter.value() == null ? "" : new String(letter.value(), StandardCharsets.UTF_8);
        if (payload.length() > MAX_DLQ_PAYLOAD_CHARS) {
            doc.put("fabstir.dlq.payload", payload.substring(0, MAX_DLQ_PAYLOAD_CHARS));
            doc.put("fabstir.dlq.payload_truncated", true);
        } else {
            doc.put("fabstir.dlq.payload", payload);
        }
        doc.put("fabstir.dlq.source.topic", letter.topic());
        doc.put("fabstir.dlq.source.partition", letter.partition());
        doc.put("fabstir.dlq.source.offset", letter.offset());
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One document's trip through the sink. */
    static final class Pending {
        final String index;
        final String id;
        final byte[] source;
        final Delivery delivery;
        /** The document (null for a dead letter). */
        final Normalized.Document document;
        /** Created under the reuse id: its event id was taken by a different record. */
        final boolean reused;
        int attempts;

        Pending(String index, String id, byte[] source, Delivery delivery, Normalized.Document document,
                boolean reused) {
            this.index = index;
            this.id = id;
            this.source = source;
            this.delivery = delivery;
            this.document = document;
            this.reused = reused;
        }
    }

    public static final class Builder {
        private ElasticsearchClient client;
        private int maxOperations = 2000;
        private long maxBytes = 5L * 1024 * 1024;
        private int maxConcurrentRequests = 2;
        private Duration flushInterval = Duration.ofMillis(200);
        private Duration initialBackoff = Duration.ofMillis(200);
        private Duration maxBackoff = Duration.ofSeconds(10);
        private String indexPattern = IndexNames.DEFAULT_PATTERN;
        private String dlqPattern = IndexNames.DEFAULT_DLQ_PATTERN;
        private PrometheusRegistry registry = MetricsEndpoint.registry();

        private Builder() {
        }

        public Builder client(ElasticsearchClient client) {
            this.client = client;
            return this;
        }

        public Builder maxOperations(int maxOperations) {
            this.maxOperations = maxOperations;
            return this;
        }

        public Builder maxBytes(long maxBytes) {
            this.maxBytes = maxBytes;
            return this;
        }

        public Builder maxConcurrentRequests(int maxConcurrentRequests) {
            this.maxConcurrentRequests = maxConcurrentRequests;
            return this;
        }

        public Builder flushInterval(Duration flushInterval) {
            this.flushInterval = flushInterval;
            return this;
        }

        public Builder backoff(Duration initial, Duration max) {
            this.initialBackoff = initial;
            this.maxBackoff = max;
            return this;
        }

        /** Daily index pattern, e.g. {@code fabstir-logs-{yyyy.MM.dd}}: the part in braces is the record's UTC date. */
        public Builder indexPattern(String indexPattern) {
            IndexNames.of(indexPattern);
            this.indexPattern = indexPattern;
            return this;
        }

        /** Daily DLQ index pattern, by the day the record entered Kafka. */
        public Builder dlqPattern(String dlqPattern) {
            IndexNames.of(dlqPattern);
            this.dlqPattern = dlqPattern;
            return this;
        }

        /** Where the sink's retries and bulk durations are counted (default the shipper's registry). */
        public Builder registry(PrometheusRegistry registry) {
            this.registry = registry;
            return this;
        }

        public ElasticsearchSink build() {
            return new ElasticsearchSink(this);
        }
    }
}
