package io.fabstir.shipper.cli;

import io.fabstir.enrichers.EnricherChain;
import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.check.Checkable;
import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.config.EdgeConfig;
import io.fabstir.shipper.kafka.KafkaRecordSink;
import io.fabstir.shipper.logging.OwnLogRedaction;
import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.metrics.ShipperMetrics;
import io.fabstir.shipper.security.KafkaClientSecurity;
import io.fabstir.shipper.tail.Tailer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code fabstir-shipper tail}: follow JSON log files and produce each record, enriched, to Kafka. */
@Command(name = "tail",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Follows JSON log files and sends every line, enriched (host.name, fabstir.node_id, event.id, UTC "
                + "@timestamp, secrets masked), to Kafka. Lines that are not JSON objects are sent wrapped as "
                + "event.dataset=fabstir.unparsed with the reason; nothing is dropped. Read positions are "
                + "checkpointed only after Kafka acknowledged everything before them.",
            "",
            "Records of other structured loggers (winston, pino, bunyan, structlog, python-json-logger, zap, slog, "
                + "logstash-logback-encoder) are first mapped onto the same ECS fields; the formats: section of the "
                + "YAML turns that off or extends the table (docs/formats.md). Records already in ECS pass unchanged.",
            "",
            "Settings come from --config YAML, then FABSTIR_* environment variables, then flags (each overrides "
                + "the one before). The environment name of a YAML key is FABSTIR_ + the key upper-cased with dots "
                + "as underscores, e.g. kafka.bootstrap_servers -> FABSTIR_KAFKA_BOOTSTRAP_SERVERS; lists are "
                + "comma-separated and maps are name=value,name=value (FABSTIR_KAFKA_PRODUCER, FABSTIR_STATIC_FIELDS).",
            ""},
        footer = {"", "Example edge.yaml:",
            "  node_id: node-7",
            "  environment: production",
            "  paths: [/var/log/fabstir/*.json]",
            "  checkpoint_file: /var/lib/fabstir-shipper/checkpoint.json",
            "  kafka:",
            "    bootstrap_servers: kafka-1:9092,kafka-2:9092",
            "    producer: {compression.type: gzip, linger.ms: 50}",
            "    topic: fabstir.logs.node-7           # its own topic: only this node's principal may write it",
            "    security:                            # SASL_SSL with SCRAM-SHA-512 (docs/security.md)",
            "      username: node-7",
            "      password_file: /etc/fabstir-shipper/kafka.password",
            "      ca_file: /etc/fabstir-shipper/kafka-ca.pem",
            "  static_fields: {labels.region: eu-west}",
            "  metrics_port: 9465",
            "  formats:                      # optional; docs/formats.md",
            "    overrides: {winston: {dataset: fabstir.node}}",
            "",
            "On SIGHUP the configuration is read again: new paths, static_fields and redaction rules apply from the "
                + "next line (nothing lost or sent twice); other changed settings wait for a restart (logged).",
            "On SIGTERM/SIGINT the records in flight are flushed (up to shutdown_timeout_ms), the checkpoint is "
                + "written and the process exits with the JVM's usual 143/130. Exit code 2: invalid configuration "
                + "(the message names the key), or Kafka refused the edge's credential, certificate or topic; "
                + "1: other failure."})
public final class TailCommand implements Callable<Integer>, ShipperCommand, Checkable {

    private static final Logger LOG = LoggerFactory.getLogger(TailCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "Edge YAML configuration file.")
    Path config;

    @Option(names = "--node-id", description = "node_id: this node's id; fabstir.node_id and the Kafka key. "
            + "Env FABSTIR_NODE_ID. Required.")
    String nodeId;

    @Option(names = "--host-name", description = "host_name: host.name of records (default: the hostname). "
            + "Env FABSTIR_HOST_NAME.")
    String hostName;

    @Option(names = "--environment", description = "environment: deployment.environment of records. "
            + "Env FABSTIR_ENVIRONMENT.")
    String environment;

    @Option(names = "--path", paramLabel = "GLOB", description = "paths: glob of log files, repeatable "
            + "(e.g. '/var/log/fabstir/*.json', 'logs/**/*.json'); new matching files are picked up while running. "
            + "Env FABSTIR_PATHS (comma-separated). Required.")
    List<String> paths;

    @Option(names = "--checkpoint-file", paramLabel = "FILE", description = "checkpoint_file: where read "
            + "positions are kept (default ./fabstir-shipper-checkpoint.json). Env FABSTIR_CHECKPOINT_FILE.")
    String checkpointFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...", description = "kafka.bootstrap_servers: the Kafka brokers. "
            + "Env FABSTIR_KAFKA_BOOTSTRAP_SERVERS. Required.")
    String bootstrapServers;

    @Option(names = "--topic", description = "kafka.topic: where records go (default fabstir.logs). Env FABSTIR_KAFKA_TOPIC.")
    String topic;

    @Option(names = "--producer-prop", paramLabel = "NAME=VALUE", description = "kafka.producer: any Kafka "
            + "producer property, repeatable (defaults: enable.idempotence=true, acks=all, compression.type=lz4, "
            + "linger.ms=20, batch.size=262144, max.block.ms=5000). Env FABSTIR_KAFKA_PRODUCER=a=1,b=2.")
    Map<String, String> producerProps;

    @Option(names = "--kafka-security-protocol", paramLabel = "PROTOCOL", description = "kafka.security.protocol: "
            + "PLAINTEXT, SSL (mutual TLS), SASL_SSL or SASL_PLAINTEXT (default: SASL_SSL with a username, SSL with a "
            + "certificate). Env FABSTIR_KAFKA_SECURITY_PROTOCOL.")
    String kafkaSecurityProtocol;

    @Option(names = "--kafka-sasl-mechanism", paramLabel = "MECHANISM", description = "kafka.security.mechanism: "
            + "SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN. Env FABSTIR_KAFKA_SECURITY_MECHANISM.")
    String kafkaSaslMechanism;

    @Option(names = "--kafka-username", paramLabel = "USER", description = "kafka.security.username: this edge's "
            + "Kafka user (SCRAM-SHA-512 unless kafka.security.mechanism says otherwise). "
            + "Env FABSTIR_KAFKA_SECURITY_USERNAME.")
    String kafkaUsername;

    @Option(names = "--kafka-password-file", paramLabel = "FILE", description = "kafka.security.password_file: file "
            + "holding the user's password (or env FABSTIR_KAFKA_SECURITY_PASSWORD; never a flag).")
    String kafkaPasswordFile;

    @Option(names = "--kafka-ca-file", paramLabel = "PEM", description = "kafka.security.ca_file: CA certificate(s) "
            + "that signed the brokers' certificates. Env FABSTIR_KAFKA_SECURITY_CA_FILE.")
    String kafkaCaFile;

    @Option(names = "--kafka-cert-file", paramLabel = "PEM", description = "kafka.security.cert_file: client "
            + "certificate for mutual TLS (its CN is the principal). Env FABSTIR_KAFKA_SECURITY_CERT_FILE.")
    String kafkaCertFile;

    @Option(names = "--kafka-key-file", paramLabel = "PEM", description = "kafka.security.key_file: the "
            + "certificate's PKCS#8 private key. Env FABSTIR_KAFKA_SECURITY_KEY_FILE.")
    String kafkaKeyFile;

    @Option(names = "--kafka-key-password-file", paramLabel = "FILE", description = "kafka.security.key_password_file: "
            + "file holding the password of an encrypted key file (or env FABSTIR_KAFKA_SECURITY_KEY_PASSWORD; never "
            + "a flag). Env FABSTIR_KAFKA_SECURITY_KEY_PASSWORD_FILE.")
    String kafkaKeyPasswordFile;

    @Option(names = "--kafka-allow-plaintext", paramLabel = "true|false", description = "kafka.security.allow_plaintext: "
            + "true lets the credential cross an unencrypted connection (SASL_PLAINTEXT), for test networks only "
            + "(default false). Env FABSTIR_KAFKA_SECURITY_ALLOW_PLAINTEXT.")
    String kafkaAllowPlaintext;

    @Option(names = "--read-from", paramLabel = "beginning|end", description = "read_from: where to start in "
            + "files found at the very first start, without checkpoint (default beginning). Env FABSTIR_READ_FROM.")
    String readFrom;

    @Option(names = "--max-line-bytes", description = "max_line_bytes: longer lines are truncated to this many "
            + "bytes, marked fabstir.truncated=true with fabstir.original_bytes (default 262144). "
            + "Env FABSTIR_MAX_LINE_BYTES.")
    String maxLineBytes;

    @Option(names = "--max-record-bytes", description = "max_record_bytes: largest Kafka value (default 1000000). "
            + "Env FABSTIR_MAX_RECORD_BYTES.")
    String maxRecordBytes;

    @Option(names = "--max-inflight-bytes", description = "max_inflight_bytes: reading pauses while this many "
            + "bytes await Kafka's ack, bounding memory when Kafka is down (default 16777216). "
            + "Env FABSTIR_MAX_INFLIGHT_BYTES.")
    String maxInflightBytes;

    @Option(names = "--scan-interval-ms", description = "scan_interval_ms: how often globs are re-scanned "
            + "(default 1000). Env FABSTIR_SCAN_INTERVAL_MS.")
    String scanIntervalMs;

    @Option(names = "--poll-interval-ms", description = "poll_interval_ms: pause when no file has new data "
            + "(default 100). Env FABSTIR_POLL_INTERVAL_MS.")
    String pollIntervalMs;

    @Option(names = "--checkpoint-interval-ms", description = "checkpoint_interval_ms: how often acknowledged "
            + "positions are written (default 1000). Env FABSTIR_CHECKPOINT_INTERVAL_MS.")
    String checkpointIntervalMs;

    @Option(names = "--rotate-grace-ms", description = "rotate_grace_ms: idle time before a rotated or deleted "
            + "file, fully read and acknowledged, is released (default 2000). Env FABSTIR_ROTATE_GRACE_MS.")
    String rotateGraceMs;

    @Option(names = "--shutdown-timeout-ms", description = "shutdown_timeout_ms: on SIGTERM, how long to wait "
            + "for Kafka's acks (default 10000). Env FABSTIR_SHUTDOWN_TIMEOUT_MS.")
    String shutdownTimeoutMs;

    @Option(names = "--multiline-pattern", paramLabel = "REGEX", description = "multiline.pattern: lines matching "
            + "it are joined to the line before (plain-text stack traces, e.g. '^\\s'); off by default. "
            + "Env FABSTIR_MULTILINE_PATTERN.")
    String multilinePattern;

    @Option(names = "--multiline-max-lines", description = "multiline.max_lines: most lines joined into one record (default 500). "
            + "Env FABSTIR_MULTILINE_MAX_LINES.")
    String multilineMaxLines;

    @Option(names = "--multiline-timeout-ms", description = "multiline.timeout_ms: a pending joined record is sent "
            + "after this much quiet (default 1000). Env FABSTIR_MULTILINE_TIMEOUT_MS.")
    String multilineTimeoutMs;

    @Option(names = "--static-field", paramLabel = "NAME=VALUE", description = "static_fields: a field added to "
            + "records lacking it, repeatable. Env FABSTIR_STATIC_FIELDS=a=1,b=2.")
    Map<String, String> staticFields;

    @Option(names = "--redaction", paramLabel = "true|false", description = "redaction.enabled: mask secrets "
            + "(default true). Env FABSTIR_REDACTION_ENABLED.")
    String redaction;

    @Option(names = "--redact-key", paramLabel = "NAME", description = "redaction.keys: extra sensitive key, "
            + "repeatable. Env FABSTIR_REDACTION_KEYS (comma-separated).")
    List<String> redactKeys;

    @Option(names = "--redact-pattern", paramLabel = "REGEX", description = "redaction.patterns: extra regex "
            + "masked in string values, repeatable. Env FABSTIR_REDACTION_PATTERNS (comma-separated).")
    List<String> redactPatterns;

    @Option(names = "--metrics-port", description = "metrics_port: Prometheus /metrics port, 0 = off (default 0). "
            + "Env FABSTIR_METRICS_PORT.")
    String metricsPort;

    @Override
    public Integer call() throws Exception {
        EdgeConfig cfg;
        try {
            cfg = EdgeConfig.load(config, System.getenv(), flags());
        } catch (ConfigException e) {
            System.err.println("fabstir-shipper tail: invalid configuration: " + e.getMessage());
            return 2;
        }
        EnricherChain chain = EdgeReload.chain(cfg, cfg);
        ShipperMetrics metrics = ShipperMetrics.get();
        MetricsEndpoint endpoint = cfg.metricsPort() > 0 ? MetricsEndpoint.start(cfg.metricsPort()) : null;
        if (endpoint != null) {
            LOG.info("metrics on http://0.0.0.0:{}/metrics", endpoint.port());
        }
        KafkaRecordSink sink = KafkaRecordSink.create(cfg);
        if (cfg.kafkaSecurity().protocol() != KafkaClientSecurity.Protocol.PLAINTEXT) {
            try {
                String unreachable = sink.verify();
                if (unreachable == null) {
                    LOG.info("Kafka accepted {} for topic {}", cfg.kafkaSecurity(), cfg.topic());
                } else {
                    LOG.warn("Kafka not reachable yet ({}); lines are read and kept until it is", unreachable);
                }
            } catch (ConfigException e) {
                System.err.println("fabstir-shipper tail: Kafka refused this edge: " + e.getMessage());
                sink.close(java.time.Duration.ZERO);
                if (endpoint != null) {
                    endpoint.close();
                }
                return 2;
            }
        }
        Tailer tailer = Tailer.create(cfg, chain, sink, metrics);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            tailer.stop();
            try {
                // The JVM halts when this hook returns: wait for the final checkpoint and the producer's close.
                closed.await(cfg.shutdownTimeout().toMillis() + 15_000, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fabstir-shipper-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        EdgeReload.install(config, flags(), tailer, cfg);
        try {
            tailer.run();
        } finally {
            sink.close(java.time.Duration.ofSeconds(2));
            if (endpoint != null) {
                endpoint.close();
            }
            closed.countDown();
        }
        return 0;
    }

    /** {@code check tail}: these settings, files, folder, port and Kafka, without tailing ({@link TailCheck}). */
    @Override
    public void check(CheckReport report) {
        TailCheck.run(config, flags(), report);
    }

    private Map<String, Object> flags() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("node_id", nodeId);
        f.put("host_name", hostName);
        f.put("environment", environment);
        f.put("paths", paths);
        f.put("checkpoint_file", checkpointFile);
        f.put("kafka.bootstrap_servers", bootstrapServers);
        f.put("kafka.topic", topic);
        f.put("kafka.producer", producerProps);
        f.put("kafka.security.protocol", kafkaSecurityProtocol);
        f.put("kafka.security.mechanism", kafkaSaslMechanism);
        f.put("kafka.security.username", kafkaUsername);
        f.put("kafka.security.password_file", kafkaPasswordFile);
        f.put("kafka.security.ca_file", kafkaCaFile);
        f.put("kafka.security.cert_file", kafkaCertFile);
        f.put("kafka.security.key_file", kafkaKeyFile);
        f.put("kafka.security.key_password_file", kafkaKeyPasswordFile);
        f.put("kafka.security.allow_plaintext", kafkaAllowPlaintext);
        f.put("read_from", readFrom);
        f.put("max_line_bytes", maxLineBytes);
        f.put("max_record_bytes", maxRecordBytes);
        f.put("max_inflight_bytes", maxInflightBytes);
        f.put("scan_interval_ms", scanIntervalMs);
        f.put("poll_interval_ms", pollIntervalMs);
        f.put("checkpoint_interval_ms", checkpointIntervalMs);
        f.put("rotate_grace_ms", rotateGraceMs);
        f.put("shutdown_timeout_ms", shutdownTimeoutMs);
        f.put("multiline.pattern", multilinePattern);
        f.put("multiline.max_lines", multilineMaxLines);
        f.put("multiline.timeout_ms", multilineTimeoutMs);
        f.put("static_fields", staticFields);
        f.put("redaction.enabled", redaction);
        f.put("redaction.keys", redactKeys);
        f.put("redaction.patterns", redactPatterns);
        f.put("metrics_port", metricsPort);
        return f;
    }
}
