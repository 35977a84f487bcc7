package io.fabstir.shipper.index;

import io.fabstir.shipper.identity.NodeTopics;
import io.fabstir.shipper.identity.Provenance;
import io.fabstir.shipper.logging.LogExcerpt;
import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.normalize.Normalized;
import io.fabstir.shipper.normalize.RecordNormalizer;
import io.fabstir.shipper.sink.Sink;
import io.fabstir.shipper.sink.SinkMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The central loop, the same for every sink: consume a Kafka record, {@linkplain Transform transform} it once into
 * the document every sink stores alike, hand it to the {@link Sink}, dead-letter what the transform or the sink
 * refuses ({@link DeadLetters}, naming the sink), and commit. One loop is one member of its sink's consumer group;
 * run several (in one JVM or many) with the same group id to scale out, and one group per sink, so that one
 * destination's outage never holds back another.
 *
 * <p>Offsets are committed per partition only up to the lowest offset not yet stored by the sink or the DLQ (a
 * watermark), so a crash re-delivers and never skips; the document id turns the re-delivery into a no-op. On
 * rebalance the revoked partitions' settled prefix is committed and their in-flight records forgotten. While the
 * sink is slow or down, partitions are paused once {@code maxInFlight} records are unsettled, which bounds memory;
 * polling continues so the member stays in the group.
 *
 * <pre>{@code
 * IndexLoop loop = IndexLoop.builder().bootstrapServers("kafka:9092").groupId("fabstir-loki")
 *         .sink(LokiSink.builder().url(URI.create("http://loki:3100")).build()).build();
 * new Thread(loop).start(); // ... loop.close();
 * }</pre>
 */
public final class IndexLoop implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IndexLoop.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final NodeTopics nodeTopics;
    private final String dlqTopic;
    private final Properties adminProperties;
    private final Sink sink;
    private final Transform transform;
    private final DeadLetters deadLetters;
    private final SinkMetrics metrics;
    private final int maxInFlight;
    private final Duration commitInterval;
    private final Duration drainTimeout;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<TopicPartition, PartitionProgress> partitions = new ConcurrentHashMap<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile boolean running = true;
    private boolean paused;
    private long nextStoppedLog = System.nanoTime();
    private long nextRefusedLog = System.nanoTime();

    private IndexLoop(Builder b) {
        Objects.requireNonNull(b.sink, "sink");
        Objects.requireNonNull(b.bootstrapServers, "bootstrapServers");
        this.topic = b.topic;
        this.nodeTopics = b.nodeTopics;
        String dlq = b.dlqTopic != null ? b.dlqTopic : nodeTopics != null ? "fabstir.dlq" : "fabstir.logs.dlq";
        if (nodeTopics != null) {
            nodeTopics.checkOutside("dead-letter topic", dlq);
        }
        this.maxInFlight = b.maxInFlight;
        this.commitInterval = b.commitInterval;
        this.drainTimeout = b.drainTimeout;
        this.sink = b.sink;
        this.metrics = SinkMetrics.of(b.registry, sink.name());
        // One transform for the sink: its type-clash repairs are counted under the sink's label, as its other metrics.
        this.transform = b.transform != null ? b.transform
                : Transform.identified(b.normalizer, nodeTopics == null ? Provenance.selfDeclared()
                        : Provenance.nodeTopics(nodeTopics), (field, kind) -> metrics.typeClash(field, kind.label()));
        String groupId = b.groupId != null ? b.groupId : "fabstir-indexer-" + sink.name();
        String clientId = b.clientId != null ? b.clientId : "fabstir-indexer-" + sink.name();

        this.consumer = new KafkaConsumer<>(consumerProperties(b, groupId, clientId), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());

        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-dlq");
        b.kafkaProperties.forEach((k, v) -> {
            if (!k.startsWith("consumer.")) {
                String key = k.startsWith("producer.") ? k.substring("producer.".length()) : k;
                if (ProducerConfig.configNames().contains(key)) {
                    p.put(key, v);
                }
            }
        });
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
        this.dlqTopic = dlq;
        this.adminProperties = new Properties();
        adminProperties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        b.kafkaProperties.forEach((k, v) -> {
            if (!k.startsWith("consumer.") && !k.startsWith("producer.") && AdminClientConfig.configNames().contains(k)) {
                adminProperties.put(k, v);
            }
        });
        this.deadLetters = new DeadLetters(producer, dlq, sink, metrics);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Polls, indexes and commits until {@link #close()} is called. */
    @Override
    public void run() {
        try {
            ensureDlqTopic();
            if (nodeTopics != null) {
                consumer.subscribe(nodeTopics.subscription(), new Rebalance());
            } else {
                consumer.subscribe(List.of(topic), new Rebalance());
            }
            long nextCommit = System.nanoTime() + commitInterval.toNanos();
            long nextLag = 0;
            while (running) {
                ConsumerRecords<byte[], byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (WakeupException e) {
                    break;
                } catch (AuthenticationException | AuthorizationException e) {
                    refused(e); // a credential revoked or an ACL removed while running: nothing is read meanwhile
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    handle(record);
                }
                long now = System.nanoTime();
                if (now - nextCommit >= 0) {
                    commit(false);
                    nextCommit = now + commitInterval.toNanos();
                }
                flowControl();
                if (now - nextLag >= 0) {
                    reportLag();
                    nextLag = now + TimeUnit.SECONDS.toNanos(5);
                }
            }
            drain();
        } catch (WakeupException e) {
            drain();
        } finally {
            try {
                consumer.close(Duration.ofSeconds(10));
            } finally {
                deadLetters.close();
                sink.close();
                producer.close(Duration.ofSeconds(10));
                finished.countDown();
            }
        }
    }

    /**
     * Creates the DLQ topic when it is missing, so the first dead letter does not wait on a broker that refuses to
     * auto-create topics. Failing to create it (e.g. no ACL) is logged; sending to it later reports the real error.
     */
    private void ensureDlqTopic() {
        try (Admin admin = Admin.create(adminProperties)) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(dlqTopic)) {
                admin.createTopics(List.of(new NewTopic(dlqTopic, Optional.empty(), Optional.empty())))
                        .all().get(30, TimeUnit.SECONDS);
                log.info("created dead-letter topic {}", dlqTopic);
                awaitPartitionLogs(admin);
            }
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                log.warn("could not create dead-letter topic {}: {}", dlqTopic, LogExcerpt.of(e.getCause()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException | RuntimeException e) {
            log.warn("could not check dead-letter topic {}: {}", dlqTopic, LogExcerpt.of(e));
        }
    }

    /**
     * The controller acknowledges a new topic before its partitions exist on the broker; an idempotent send in that
     * window can leave the producer's sequence out of order for good. ListOffsets is answered only once the
     * partition's log is there.
     */
    private void awaitPartitionLogs(Admin admin) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                admin.describeTopics(List.of(dlqTopic)).allTopicNames().get(10, TimeUnit.SECONDS).get(dlqTopic)
                        .partitions().forEach(p -> latest.put(new TopicPartition(dlqTopic, p.partition()),
                                OffsetSpec.latest()));
                admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | TimeoutException notYet) {
                Thread.sleep(50);
            }
        }
        log.warn("dead-letter topic {} created, but not every partition answers yet", dlqTopic);
    }

    private void handle(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
        PartitionProgress progress = partitions.get(tp);
        if (progress == null || progress.failure != null) {
            return; // stopped partition: nothing past the failed record may be committed, so do not read on
        }
        PartitionProgress.Ticket ticket = progress.register(record.offset());
        Normalized n = transform.apply(record);
        Instant entered = transform.entered(record); // now, on this thread: a later rejection is judged the same
        if (n instanceof Normalized.Document doc) {
            if (doc.identity() != null) {
                doc.identity().flags().forEach(f -> metrics.identityFlag(doc.identity().node(), f));
            }
            sink.submit(doc, new Sink.Delivery() {
                @Override
                public void stored() {
                    metrics.indexed(1);
                    ticket.settle();
                }

                @Override
                public void rejected(String errorType, String reason) {
                    deadLetters.send(record, ticket, doc, entered, errorType, reason);
                }

                @Override
                public boolean abandoned() {
                    return ticket.abandoned();
                }
            });
        } else if (n instanceof Normalized.Rejected r) {
            deadLetters.send(record, ticket, null, entered, r.errorType(), r.reason());
        }
    }

    /** Kafka refused the indexer: said as an error every 30 s, polled again after a pause, until it is fixed. */
    private void refused(RuntimeException e) {
        long now = System.nanoTime();
        if (now - nextRefusedLog >= 0) {
            nextRefusedLog = now + TimeUnit.SECONDS.toNanos(30);
            log.error("Kafka refused the indexer ({}); nothing is read until its credential or ACLs are fixed "
                    + "(docs/security.md)", LogExcerpt.of(e));
        }
        try {
            Thread.sleep(1000);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    private void flowControl() {
        List<TopicPartition> stopped = new ArrayList<>();
        for (PartitionProgress p : partitions.values()) {
            if (p.failure != null) {
                stopped.add(p.partition);
            }
        }
        if (!stopped.isEmpty()) {
            consumer.pause(stopped);
            long now = System.nanoTime();
            if (now - nextStoppedLog >= 0) {
                nextStoppedLog = now + TimeUnit.SECONDS.toNanos(30);
                log.error("partitions STOPPED at their last committed offset (fix the cause and restart): {}",
                        LogExcerpt.of(stoppedPartitions()));
            }
        }
        int n = inFlight.get();
        if (!paused && n >= maxInFlight) {
            consumer.pause(consumer.assignment());
            paused = true;
            log.info("{} records unsettled: pausing consumption until the sink catches up", n);
        } else if (paused && n <= maxInFlight / 2) {
            List<TopicPartition> resume = new ArrayList<>(consumer.assignment());
            resume.removeAll(stopped);
            consumer.resume(resume);
            paused = false;
            log.info("resuming consumption ({} records unsettled)", n);
        }
    }

    private void commit(boolean sync) {
        commit(new ArrayList<>(partitions.values()), sync);
    }

    private void commit(Collection<PartitionProgress> progress, boolean sync) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionProgress p : progress) {
            long offset = p.committable();
            if (offset > p.committed) {
                offsets.put(p.partition, new OffsetAndMetadata(offset));
                p.committed = offset;
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        if (sync) {
            consumer.commitSync(offsets, Duration.ofSeconds(30));
        } else {
            consumer.commitAsync(offsets, (o, e) -> {
                if (e != null) {
                    log.warn("offset commit failed (the next one covers it): {}", LogExcerpt.of(e));
                }
            });
        }
    }

    /** Lag per partition number, summed over the topics (per-node topics would otherwise overwrite each other). */
    private void reportLag() {
        Map<Integer, Long> byPartition = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            OptionalLong lag = consumer.currentLag(tp);
            if (lag.isPresent()) {
                byPartition.merge(tp.partition(), lag.getAsLong(), Long::sum);
            }
        }
        byPartition.forEach(metrics::lag);
    }

    /** On a clean stop: flush, wait a while for the sink to settle what was polled, commit what settled. */
    private void drain() {
        sink.flush();
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        try {
            commit(true);
        } catch (RuntimeException e) {
            log.warn("final offset commit failed; the records will be re-delivered: {}", LogExcerpt.of(e));
        }
        partitions.values().forEach(PartitionProgress::abandon);
    }

    /** Records polled but not yet in the sink or the DLQ. */
    public int unsettled() {
        return inFlight.get();
    }

    /** Partitions stopped because a record could not be stored even in the DLQ, with why. */
    public Map<TopicPartition, String> stoppedPartitions() {
        Map<TopicPartition, String> out = new HashMap<>();
        partitions.values().forEach(p -> {
            if (p.failure != null) {
                out.put(p.partition, p.failure);
            }
        });
        return out;
    }

    /** Stops polling, drains, commits and closes the Kafka clients; waits for {@link #run()} to end. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            finished.await(drainTimeout.toMillis() + 30_000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The consumer's settings: ours, then the pass-through properties, then what must stay ours. */
    static Properties consumerProperties(Builder b, String groupId, String clientId) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        c.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "65536");
        c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        if (b.nodeTopics != null) {
            // A new node's topic is found on the next metadata refresh (its records wait in Kafka until then).
            c.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, "30000");
            // Each node topic has one partition: the default range assignor gives every partition 0 to the same
            // member, so a second indexer would get none (NodeTopicsBenchmark: 1,000 / 0). Sticky spreads them and
            // moves only what must move; the rebalance listener handles incremental revocations.
            c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        b.kafkaProperties.forEach((k, v) -> {
            if (!k.startsWith("producer.")) {
                c.put(k.startsWith("consumer.") ? k.substring("consumer.".length()) : k, v);
            }
        });
        // Offsets are ours to commit; a pass-through property must not turn auto-commit back on.
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return c;
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            List<PartitionProgress> gone = new ArrayList<>();
            for (TopicPartition tp : revoked) {
                PartitionProgress p = partitions.remove(tp);
                if (p != null) {
                    gone.add(p);
                }
            }
            try {
                commit(gone, true);
            } catch (RuntimeException e) {
                log.warn("commit on revoke failed; the next owner re-reads from the last commit: {}", LogExcerpt.of(e));
            }
            gone.forEach(PartitionProgress::abandon);
            log.info("partitions revoked: {}", revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            for (TopicPartition tp : lost) {
                PartitionProgress p = partitions.remove(tp);
                if (p != null) {
                    p.abandon();
                }
            }
            log.warn("partitions lost (not committed): {}", lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            for (TopicPartition tp : assigned) {
                partitions.put(tp, new PartitionProgress(tp, inFlight));
            }
            if (paused) {
                consumer.pause(assigned);
            }
            log.info("partitions assigned: {}", assigned);
        }
    }

    public static final class Builder {
        private String bootstrapServers;
        private String groupId;
        private String clientId;
        private String topic = "fabstir.logs";
        private NodeTopics nodeTopics;
        private String dlqTopic;
        private final Map<String, String> kafkaProperties = new HashMap<>();
        private Sink sink;
        private Transform transform;
        private RecordNormalizer normalizer = RecordNormalizer.defaults();
        private PrometheusRegistry registry = MetricsEndpoint.registry();
        private int maxInFlight = 20_000;
        private Duration commitInterval = Duration.ofSeconds(1);
        private Duration drainTimeout = Duration.ofSeconds(20);

        private Builder() {
        }

        public Builder bootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /** Default {@code fabstir-indexer-<sink name>}; instances with the same one share the partitions. */
        public Builder groupId(String groupId) {
            this.groupId = groupId;
            return this;
        }

        public Builder clientId(String clientId) {
            this.clientId = clientId;
            return this;
        }

        public Builder topic(String topic) {
            this.topic = topic;
            return this;
        }

        /**
         * Per-node topics instead of {@link #topic}: the loop subscribes to every node's topic (and the chain
         * monitor's) by pattern, and a record's node is its topic's ({@link Provenance#nodeTopics}). The dead-letter
         * topic then defaults to {@code fabstir.dlq} and may not be a node topic.
         */
        public Builder nodeTopics(NodeTopics nodeTopics) {
            this.nodeTopics = nodeTopics;
            return this;
        }

        /** Default {@code fabstir.logs.dlq}, or {@code fabstir.dlq} with {@link #nodeTopics}. */
        public Builder dlqTopic(String dlqTopic) {
            this.dlqTopic = dlqTopic;
            return this;
        }

        /**
         * Kafka client properties passed through as given; a {@code consumer.} or {@code producer.} prefix limits
         * one to that client.
         */
        public Builder kafkaProperties(Map<String, String> properties) {
            this.kafkaProperties.putAll(properties);
            return this;
        }

        /** Where records go; the loop owns it from now on (closes it). */
        public Builder sink(Sink sink) {
            this.sink = sink;
            return this;
        }

        /**
         * The whole step between consume and sink, replacing the default: the {@link #normalizer} and the identity
         * stage ({@link Transform#identified}).
         */
        public Builder transform(Transform transform) {
            this.transform = Objects.requireNonNull(transform, "transform");
            return this;
        }

        /**
         * The normaliser of the default transform (default {@link RecordNormalizer#defaults()}); its type-clash
         * repairs are counted under the sink.
         */
        public Builder normalizer(RecordNormalizer normalizer) {
            this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
            return this;
        }

        public Builder registry(PrometheusRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Unsettled records at which consumption pauses (default 20 000). */
        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
            return this;
        }

        public Builder commitInterval(Duration commitInterval) {
            this.commitInterval = commitInterval;
            return this;
        }

        /** How long a clean stop waits for in-flight records before committing (default 20 s). */
        public Builder drainTimeout(Duration drainTimeout) {
            this.drainTimeout = drainTimeout;
            return this;
        }

        public IndexLoop build() {
            return new IndexLoop(this);
        }
    }
}
