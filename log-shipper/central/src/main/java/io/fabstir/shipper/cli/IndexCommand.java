package io.fabstir.shipper.cli;

import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.check.Checkable;
import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.identity.NodeTopics;
import io.fabstir.shipper.index.IndexLoop;
import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.normalize.RecordNormalizer;
import io.fabstir.shipper.security.ElasticsearchAccess;
import io.fabstir.shipper.security.KafkaClientSecurity;
import io.fabstir.shipper.sink.Sink;
import io.fabstir.shipper.sink.elasticsearch.AccessCheck;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchSink;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.fabstir.shipper.sink.elasticsearch.IndexNames;
import io.fabstir.shipper.sink.elasticsearch.Roles;
import io.fabstir.shipper.sink.loki.LokiConfig;
import io.fabstir.shipper.sink.loki.LokiSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code fabstir-shipper index}: one central loop ({@link IndexLoop}) in the consumer group of its sink, writing
 * {@code fabstir.logs} into daily Elasticsearch indices ({@code --sink elasticsearch}, the default) or Loki
 * ({@code --sink loki}). Both sinks read the same settings for Kafka, the transform and the dead letters.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
        description = {"Consume fabstir.logs and index every record (Elasticsearch daily indices or Loki)",
            "With --node-topic-prefix it reads every node's own topic (<prefix><node id>) instead, and takes each "
                + "record's fabstir.node_id from its topic (a different claim is kept as fabstir.claimed_node_id); "
                + "contract events are then accepted from --chain-topic only. See docs/security.md."})
public final class IndexCommand extends ElasticsearchCommand implements Callable<Integer>, ShipperCommand, Checkable {
    private static final Logger log = LoggerFactory.getLogger(IndexCommand.class);

    enum SinkKind { elasticsearch, loki }

    @Option(names = "--sink", description = "elasticsearch (default) or loki")
    SinkKind sink;

    @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (env FABSTIR_KAFKA_BOOTSTRAP_SERVERS)")
    String bootstrapServers;

    @Option(names = "--topic", description = "default fabstir.logs")
    String topic;

    @Option(names = "--node-topic-prefix", paramLabel = "PREFIX", description = "kafka.node_topic_prefix: read the "
            + "per-node topics <PREFIX><node id> (e.g. fabstir.logs.) instead of --topic; the node is the topic's")
    String nodeTopicPrefix;

    @Option(names = "--chain-topic", paramLabel = "TOPIC", description = "kafka.chain_topic: the chain monitor's "
            + "topic, the only one whose records may be contract events (with --node-topic-prefix)")
    String chainTopic;

    @Option(names = "--dlq-topic", description = "default fabstir.logs.dlq (fabstir.dlq with --node-topic-prefix)")
    String dlqTopic;

    @Option(names = "--kafka-security-protocol", paramLabel = "PROTOCOL", description = "kafka.security.protocol: "
            + "PLAINTEXT, SSL, SASL_SSL or SASL_PLAINTEXT (default: SASL_SSL with a username, SSL with a certificate)")
    String kafkaSecurityProtocol;

    @Option(names = "--kafka-username", paramLabel = "USER", description = "kafka.security.username: the indexer's "
            + "Kafka user (SCRAM-SHA-512)")
    String kafkaUsername;

    @Option(names = "--kafka-password-file", paramLabel = "FILE", description = "kafka.security.password_file "
            + "(or env FABSTIR_KAFKA_SECURITY_PASSWORD)")
    String kafkaPasswordFile;

    @Option(names = "--kafka-ca-file", paramLabel = "PEM", description = "kafka.security.ca_file: the brokers' CA")
    String kafkaCaFile;

    @Option(names = "--kafka-cert-file", paramLabel = "PEM", description = "kafka.security.cert_file (mutual TLS)")
    String kafkaCertFile;

    @Option(names = "--kafka-key-file", paramLabel = "PEM", description = "kafka.security.key_file (mutual TLS)")
    String kafkaKeyFile;

    @Option(names = "--group-id", description = "consumer group; instances with the same one share the partitions")
    String groupId;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE",
            description = "any Kafka client property (prefix consumer./producer. to target one client)")
    Map<String, String> kafkaProperties;

    @Option(names = "--bulk-max-operations", description = "documents per bulk request (default 2000)")
    Integer bulkMaxOperations;

    @Option(names = "--bulk-max-bytes", description = "bytes per bulk request (default 5mb)")
    String bulkMaxBytes;

    @Option(names = "--bulk-concurrency", description = "bulk requests in flight (default 2)")
    Integer bulkConcurrency;

    @Option(names = "--bulk-flush-interval", description = "send a partial bulk after this (default 200ms)")
    String bulkFlushInterval;

    @Option(names = "--max-in-flight", description = "unsettled records at which consumption pauses (default 20000)")
    Integer maxInFlight;

    @Option(names = "--timestamp-max-past", description = "older @timestamp → ingest time + marker (default 365d)")
    String timestampMaxPast;

    @Option(names = "--timestamp-max-future", description = "later @timestamp → ingest time + marker (default 1d)")
    String timestampMaxFuture;

    @Option(names = "--shards", description = "primary shards per daily index (default 1)")
    Integer shards;

    @Option(names = "--replicas", description = "replicas per daily index (default 1)")
    Integer replicas;

    @Option(names = "--retention", paramLabel = "DURATION", description = "ILM delete age (default 30d)")
    String retention;

    @Option(names = "--install-templates", arity = "1", paramLabel = "BOOL", description = "install templates at start (default true)")
    Boolean installTemplates;

    @Option(names = "--metrics-port", description = "serve Prometheus /metrics on this port (default: off)")
    Integer metricsPort;

    @Option(names = "--loki-url", description = "with --sink loki: Loki's base or push URL, e.g. http://loki:3100 "
            + "(env FABSTIR_LOKI_URL); the other loki.* keys come from the YAML or FABSTIR_LOKI_* variables")
    String lokiUrl;

    @Option(names = "--loki-tenant", description = "with --sink loki: X-Scope-OrgID tenant (env FABSTIR_LOKI_TENANT)")
    String lokiTenant;

    @Option(names = "--loki-format", description = "with --sink loki: protobuf (default, snappy) or json")
    String lokiFormat;

    /** The running loop. */
    private volatile AutoCloseable loop;
    private final CountDownLatch started = new CountDownLatch(1);

    @Override
    Set<String> extraKeys() {
        Set<String> keys = new TreeSet<>(Set.of("sink", "kafka.bootstrap_servers", "kafka.topic", "kafka.dlq_topic",
                "kafka.group_id", "elasticsearch.bulk.max_operations", "elasticsearch.bulk.max_bytes",
                "elasticsearch.bulk.concurrency", "elasticsearch.bulk.flush_interval", "indexer.max_in_flight",
                "indexer.timestamp_max_past", "indexer.timestamp_max_future", "indexer.install_templates",
                "indexer.metrics_port", "kafka.node_topic_prefix", "kafka.chain_topic"));
        keys.addAll(KafkaClientSecurity.KEYS.keySet());
        LokiConfig.KEYS.stream().filter(k -> k.startsWith("loki.")).forEach(keys::add);
        return keys;
    }

    @Override
    void flags(CentralSettings s) {
        s.flag("sink", sink).flag("kafka.bootstrap_servers", bootstrapServers).flag("kafka.topic", topic)
                .flag("kafka.dlq_topic", dlqTopic).flag("kafka.group_id", groupId)
                .flag("kafka.node_topic_prefix", nodeTopicPrefix).flag("kafka.chain_topic", chainTopic)
                .flag(KafkaClientSecurity.PROTOCOL, kafkaSecurityProtocol).flag(KafkaClientSecurity.USERNAME, kafkaUsername)
                .flag(KafkaClientSecurity.PASSWORD_FILE, kafkaPasswordFile).flag(KafkaClientSecurity.CA_FILE, kafkaCaFile)
                .flag(KafkaClientSecurity.CERT_FILE, kafkaCertFile).flag(KafkaClientSecurity.KEY_FILE, kafkaKeyFile)
                .flag("elasticsearch.bulk.max_operations", bulkMaxOperations)
                .flag("elasticsearch.bulk.max_bytes", bulkMaxBytes)
                .flag("elasticsearch.bulk.concurrency", bulkConcurrency)
                .flag("elasticsearch.bulk.flush_interval", bulkFlushInterval)
                .flag("indexer.max_in_flight", maxInFlight)
                .flag("indexer.timestamp_max_past", timestampMaxPast)
                .flag("indexer.timestamp_max_future", timestampMaxFuture)
                .flag("indexer.install_templates", installTemplates)
                .flag("indexer.metrics_port", metricsPort)
                .flag("elasticsearch.shards", shards).flag("elasticsearch.replicas", replicas)
                .flag("elasticsearch.retention", retention)
                .flag(LokiConfig.URL, lokiUrl).flag(LokiConfig.TENANT, lokiTenant).flag(LokiConfig.FORMAT, lokiFormat)
                .properties(kafkaProperties);
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        CentralSettings s = settings(env);
        if (env.get(CentralSettings.envName("kafka.bootstrap_servers")) == null && bootstrapServers == null) {
            s.flag("kafka.bootstrap_servers", blankToNull(env.get("FABSTIR_KAFKA_BOOTSTRAP")));
        }
        String kind = s.string("sink", ElasticsearchSink.NAME);
        if (!kind.equals(ElasticsearchSink.NAME) && !kind.equals(LokiSink.NAME)) {
            throw s.fail("invalid config sink: '" + kind + "' (elasticsearch or loki)");
        }
        String bootstrap = s.required("kafka.bootstrap_servers");
        KafkaClientSecurity kafkaSecurity;
        Map<String, String> kafkaProps = new LinkedHashMap<>();
        try {
            kafkaSecurity = KafkaClientSecurity.read(s.source(env));
            kafkaSecurity.checkPassThrough("kafka.properties", s.kafkaProperties(), kafkaProperties);
        } catch (ConfigException e) {
            throw s.fail(e);
        }
        kafkaProps.putAll(kafkaSecurity.clientProperties());
        kafkaProps.putAll(s.kafkaProperties());
        NodeTopics nodeTopics = nodeTopics(s);
        String dlq = s.string("kafka.dlq_topic", nodeTopics != null ? "fabstir.dlq" : "fabstir.logs.dlq");
        if (nodeTopics != null) {
            try {
                nodeTopics.checkOutside("dead-letter topic", dlq);
            } catch (IllegalArgumentException e) {
                throw s.fail("invalid config kafka.dlq_topic: " + e.getMessage());
            }
        }
        RecordNormalizer normalizer = RecordNormalizer.builder()
                .maxPast(s.duration("indexer.timestamp_max_past", Duration.ofDays(365)))
                .maxFuture(s.duration("indexer.timestamp_max_future", Duration.ofDays(1)))
                .build();
        int port = s.integer("indexer.metrics_port", 0, 0);
        boolean loki = kind.equals(LokiSink.NAME);
        // Each sink in its own consumer group: an outage of one destination never holds back the other.
        String group = s.string("kafka.group_id", loki ? "fabstir-loki" : "fabstir-indexer-elasticsearch");
        String pattern = s.string("elasticsearch.index_pattern", IndexNames.DEFAULT_PATTERN);
        String dlqPattern = s.string("elasticsearch.dlq_index_pattern", IndexNames.DEFAULT_DLQ_PATTERN);
        if (!loki) {
            for (String[] p : new String[][] {{"elasticsearch.index_pattern", pattern},
                    {"elasticsearch.dlq_index_pattern", dlqPattern}}) {
                try {
                    IndexNames.of(p[1]);
                } catch (IllegalArgumentException e) {
                    throw s.fail("invalid config " + p[0] + ": " + e.getMessage());
                }
            }
        }
        checkKafka(s, bootstrap, kafkaProps, kafkaSecurity);
        ElasticsearchAccess access = loki ? null : access(s, env);
        Sink sink = loki ? lokiSink(s) : null;
        try (EsConnection es = loki ? null : connect(s, access);
             MetricsEndpoint metrics = port > 0 ? MetricsEndpoint.start(port) : null) {
            String source = nodeTopics != null ? "node topics " + nodeTopics : s.string("kafka.topic", "fabstir.logs");
            if (nodeTopics == null) {
                log.info("one shared topic: each record's fabstir.node_id is its own claim (use "
                        + "kafka.node_topic_prefix where nodes are not trusted, docs/security.md)");
            }
            if (loki) {
                log.info("indexing {} {} → Loki {}", bootstrap, source, s.string(LokiConfig.URL, null));
            } else {
                boolean install = s.bool("indexer.install_templates", true);
                // Fails here, naming the setting, when the credential is refused or short of a privilege.
                // Exactly the documented role's privileges (and the templates role's, to install them).
                requireAccess(s, es, access, install ? Roles.TEMPLATES.clusterPrivileges() : List.of(), List.of(
                        new AccessCheck.Need(List.of(IndexNames.of(pattern).wildcard(),
                                IndexNames.of(dlqPattern).wildcard()), Roles.INDEXER.indexPrivileges())));
                log.info("indexing {} {} → {} ({})", bootstrap, source, pattern, es);
                if (install) {
                    installer(s, es).install();
                }
                sink = ElasticsearchSink.builder().client(es.client())
                        .indexPattern(pattern).dlqPattern(dlqPattern)
                        .maxOperations(s.integer("elasticsearch.bulk.max_operations", 2000, 1))
                        .maxBytes(s.bytes("elasticsearch.bulk.max_bytes", 5L << 20))
                        .maxConcurrentRequests(s.integer("elasticsearch.bulk.concurrency", 2, 1))
                        .flushInterval(s.duration("elasticsearch.bulk.flush_interval", Duration.ofMillis(200)))
                        .registry(MetricsEndpoint.registry())
                        .build();
            }
            IndexLoop.Builder b = IndexLoop.builder()
                    .bootstrapServers(bootstrap)
                    .dlqTopic(dlq)
                    .groupId(group)
                    .kafkaProperties(kafkaProps)
                    .maxInFlight(s.integer("indexer.max_in_flight", 20_000, 100))
                    .normalizer(normalizer)
                    .registry(MetricsEndpoint.registry())
                    .sink(sink);
            if (nodeTopics != null) {
                b.nodeTopics(nodeTopics);
            } else {
                b.topic(s.string("kafka.topic", "fabstir.logs"));
            }
            IndexLoop l = b.build();
            runUntilClosed(l, l);
            return l.stoppedPartitions().isEmpty() ? 0 : 3;
        } catch (RuntimeException | Error e) {
            if (sink != null) {
                sink.close();
            }
            throw e;
        }
    }

    /** {@code kafka.node_topic_prefix} and {@code kafka.chain_topic}, checked; null without per-node topics. */
    static NodeTopics nodeTopics(CentralSettings s) {
        String prefix = s.string("kafka.node_topic_prefix", null);
        String chain = s.string("kafka.chain_topic", null);
        if (prefix == null) {
            if (chain != null) {
                throw s.fail("invalid config kafka.chain_topic: needs kafka.node_topic_prefix (with one shared topic "
                        + "every record is taken as it is)");
            }
            return null;
        }
        if (s.string("kafka.topic", null) != null) {
            throw s.fail("invalid config kafka.topic: not used with kafka.node_topic_prefix (the indexer reads every "
                    + "node's own topic); remove one of them");
        }
        try {
            return NodeTopics.of(prefix, chain);
        } catch (IllegalArgumentException e) {
            throw s.fail("invalid config " + (e.getMessage().startsWith("chain topic") ? "kafka.chain_topic: "
                    : "kafka.node_topic_prefix: ") + e.getMessage());
        }
    }

    /**
     * With TLS or a credential, connects once before consuming, so a refused credential, an untrusted certificate or
     * a missing ACL stops the indexer at start naming the setting; a broker that is down is left to the loop.
     */
    private static void checkKafka(CentralSettings s, String bootstrap, Map<String, String> props,
                                   KafkaClientSecurity security) {
        if (security.protocol() == KafkaClientSecurity.Protocol.PLAINTEXT) {
            return;
        }
        Properties p = new Properties();
        props.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        try (Admin admin = Admin.create(p)) {
            admin.listTopics().names().get(20, TimeUnit.SECONDS);
            log.info("Kafka accepted {}", security);
        } catch (ExecutionException e) {
            ConfigException refused = security.explain(e.getCause());
            if (refused != null) {
                throw s.fail(refused);
            }
            log.warn("Kafka not reachable yet ({}); the indexer keeps trying", e.getCause().toString());
        } catch (TimeoutException e) {
            log.warn("Kafka not reachable yet (no answer in 20 s); the indexer keeps trying");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** {@code --sink loki}: the {@code loki.*} settings, checked here so a bad one fails at start naming its key. */
    private static Sink lokiSink(CentralSettings s) {
        try {
            return LokiConfig.builder(s.withPrefix("loki.")).registry(MetricsEndpoint.registry()).build();
        } catch (IllegalArgumentException e) {
            // LokiConfig.InvalidKey and the builder's own checks both start their message with the key.
            throw s.fail("invalid config " + e.getMessage());
        }
    }

    /** Runs {@code body} on this thread until {@code sink} is closed by {@link #stop()} or SIGTERM/SIGINT. */
    private void runUntilClosed(AutoCloseable sink, Runnable body) {
        loop = sink;
        Thread hook = new Thread(() -> {
            try {
                sink.close();
            } catch (Exception e) {
                log.warn("closing the sink on shutdown failed", e);
            }
        }, "index-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        started.countDown();
        body.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is what stopped us
        }
    }

    /** {@code check index}: these settings and the connections, without consuming ({@link IndexCheck}). */
    @Override
    public void check(CheckReport report) {
        IndexCheck.run(this, report);
    }

    /** Stops a running {@link #call()} cleanly (tests and embedding). */
    void stop() throws Exception {
        started.await();
        loop.close();
    }
}
