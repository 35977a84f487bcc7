package io.fabstir.shipper.sink.elasticsearch;

import io.fabstir.shipper.logging.LogExcerpt;
import io.fabstir.shipper.retry.Backoff;
import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch._types.ErrorCause;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkOperation;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.util.BinaryData;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleConsumer;

/**
 * Writes documents through the client's {@link BulkIngester} (bounded by operation count, bytes and concurrent
 * requests) and settles each one from its own bulk item result:
 * <ul>
 *   <li>201/200 → {@link Outcome#stored(boolean)}; 409 (the {@code _id} is already there) → stored as well, since
 *       documents are written with {@code create} and the same {@code event.id} means the same record;</li>
 *   <li>429, 5xx, or the whole request failing (connection refused, timeout) → retried after exponential backoff
 *       with jitter, for as long as it takes, unless the owner {@linkplain Outcome#abandoned() abandons} it;</li>
 *   <li>any other 4xx (mapping or parse errors) → {@link Outcome#rejected(String, String)}.</li>
 * </ul>
 * Outcomes are delivered on a sink thread, never on the HTTP client's I/O thread, so they may block.
 */
public final class ElasticsearchSink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ElasticsearchSink.class);

    /** What the sink tells the owner of one document. */
    public interface Outcome {
        /** Durably in Elasticsearch; {@code alreadyThere} when an earlier delivery had stored it. */
        void stored(boolean alreadyThere);

        /** Refused for good (400-class); the owner dead-letters it or fails loudly. */
        void rejected(String errorType, String reason);

        /** True when the owner no longer wants the result (e.g. its partition was revoked): stop retrying. */
        default boolean abandoned() {
            return false;
        }
    }

    private final BulkIngester<Delivery> ingester;
    private final ExecutorService settle;
    private final ExecutorService completions;
    private final java.util.concurrent.BlockingQueue<Delivery> queue = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Thread feeder;
    private final ScheduledExecutorService retries;
    private final Backoff backoff;
    private final Runnable onRetry;
    private final DoubleConsumer onBatch;
    private final Map<Long, Long> started = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong nextRetryWarning = new java.util.concurrent.atomic.AtomicLong(
            System.nanoTime());

    private ElasticsearchSink(Builder b) {
        Objects.requireNonNull(b.client, "client");
        this.backoff = new Backoff(b.initialBackoff, b.maxBackoff);
        this.onRetry = b.onRetry;
        this.onBatch = b.onBatch;
        this.settle = Executors.newSingleThreadExecutor(r -> daemon(r, "es-sink-settle"));
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "es-sink-retry"));
        this.completions = Executors.newSingleThreadExecutor(r -> daemon(r, "es-sink-complete"));
        ElasticsearchAsyncClient async = new ElasticsearchAsyncClient(
                new HandOffTransport(b.client._transport(), completions), b.client._transportOptions());
        this.ingester = BulkIngester.of(ib -> ib
                .client(async)
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

    /**
     * Queues one document and returns at once. A feeder thread moves queued documents into the ingester, which
     * blocks while its maximum of requests is in flight; the caller (the Kafka poll loop) keeps fetching meanwhile
     * and bounds memory by how many documents it leaves unsettled.
     */
    public void submit(String index, String id, byte[] source, Outcome outcome) {
        queue.add(new Delivery(index, id, source, outcome));
    }

    /** Sends what is buffered now instead of waiting for the flush interval. */
    public void flush() {
        ingester.flush();
    }

    /** Documents queued but not yet handed to the ingester. */
    public int queued() {
        return queue.size();
    }

    private void feed() {
        while (!closed || !queue.isEmpty()) {
            Delivery d;
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
            if (d.outcome.abandoned()) {
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

    private void add(Delivery d) {
        BulkOperation op = BulkOperation.of(b -> b.create(c -> c
                .index(d.index).id(d.id).document(BinaryData.of(d.source, "application/json"))));
        ingester.add(op, d);
    }

    private void retry(Delivery d, String why) {
        if (closed || d.outcome.abandoned()) {
            return;
        }
        d.attempts++;
        long delay = backoff.delayMs(d.attempts);
        log.debug("retrying {} in {}: {} (attempt {}, delay {} ms)", d.id, d.index, why, d.attempts, delay);
        warnRetries(why, d.attempts);
        onRetry.run();
        retries.schedule(() -> {
            if (!closed && !d.outcome.abandoned()) {
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

    private void settle(Delivery d, BulkResponseItem item) {
        int status = item.status();
        if (status == 200 || status == 201) {
            d.outcome.stored(false);
        } else if (status == 409) {
            d.outcome.stored(true);
        } else if (status == 429 || status >= 500) {
            retry(d, status + " " + describe(item.error()));
        } else {
            ErrorCause e = item.error();
            d.outcome.rejected(e == null ? "http_" + status : e.type(), describe(e));
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

    private final class Listener implements BulkListener<Delivery> {
        @Override
        public void beforeBulk(long executionId, BulkRequest request, List<Delivery> contexts) {
            started.put(executionId, System.nanoTime());
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Delivery> contexts, BulkResponse response) {
            observe(executionId);
            settle.execute(() -> {
                List<BulkResponseItem> items = response.items();
                for (int i = 0; i < contexts.size(); i++) {
                    try {
                        settle(contexts.get(i), items.get(i));
                    } catch (RuntimeException e) {
                        log.error("settling bulk item failed", e);
                    }
                }
            });
        }

        @Override
        public void afterBulk(long executionId, BulkRequest request, List<Delivery> contexts, Throwable failure) {
            observe(executionId);
            String why = failure.getClass().getSimpleName() + ": " + failure.getMessage();
            settle.execute(() -> contexts.forEach(d -> retry(d, why)));
        }

        private void observe(long executionId) {
            Long t0 = started.remove(executionId);
            if (t0 != null) {
                onBatch.accept((System.nanoTime() - t0) / 1e9);
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

    /** One document's trip through the sink. */
    static final class Delivery {
        final String index;
        final String id;
        final byte[] source;
        final Outcome outcome;
        int attempts;

        Delivery(String index, String id, byte[] source, Outcome outcome) {
            this.index = index;
            this.id = id;
            this.source = source;
            this.outcome = outcome;
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
        private Runnable onRetry = () -> { };
        private DoubleConsumer onBatch = s -> { };

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

        /** Called once per scheduled retry (for the retries metric). */
        public Builder onRetry(Runnable onRetry) {
            this.onRetry = onRetry;
            return this;
        }

        /** Called with each bulk request's duration in seconds. */
        public Builder onBatch(DoubleConsumer onBatch) {
            this.onBatch = onBatch;
            return this;
        }

        public ElasticsearchSink build() {
            return new ElasticsearchSink(this);
        }
    }
}
