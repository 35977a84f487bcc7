package io.fabstir.shipper.cli;

import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.check.KafkaChecks;
import io.fabstir.shipper.check.LocalChecks;
import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.identity.NodeTopics;
import io.fabstir.shipper.security.ElasticsearchAccess;
import io.fabstir.shipper.security.KafkaClientSecurity;
import io.fabstir.shipper.sink.elasticsearch.AccessCheck;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchChecks;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchSink;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.fabstir.shipper.sink.elasticsearch.IndexNames;
import io.fabstir.shipper.sink.elasticsearch.Roles;
import io.fabstir.shipper.sink.loki.LokiConfig;
import io.fabstir.shipper.sink.loki.LokiSink;
import org.apache.kafka.common.acl.AclOperation;
import picocli.CommandLine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code check index}: the indexer's settings as {@link IndexCommand#call()} reads them, then Kafka (connection,
 * credential, READ on the topic or the node topics, WRITE on the dead-letter topic, READ on the group) and the
 * sink: Elasticsearch (TLS, credential, privileges, templates) or Loki (a push of no streams accepted).
 */
final class IndexCheck {
    private static final Pattern KEY = Pattern.compile("(?:invalid|missing|unknown) config (?:key )?([a-z_.]+)");

    private IndexCheck() {
    }

    static void run(IndexCommand cmd, CheckReport report) {
        Map<String, String> env = System.getenv();
        CentralSettings s;
        String kind;
        String bootstrap;
        KafkaClientSecurity security;
        NodeTopics nodeTopics;
        String dlq;
        String group;
        try {
            s = cmd.settings(env);
            if (env.get(CentralSettings.envName("kafka.bootstrap_servers")) == null && cmd.bootstrapServers == null) {
                s.flag("kafka.bootstrap_servers", ElasticsearchCommand.blankToNull(env.get("FABSTIR_KAFKA_BOOTSTRAP")));
            }
            kind = s.string("sink", ElasticsearchSink.NAME);
            if (!kind.equals(ElasticsearchSink.NAME) && !kind.equals(LokiSink.NAME)) {
                throw s.fail("invalid config sink: '" + kind + "' (elasticsearch or loki)");
            }
            bootstrap = s.required("kafka.bootstrap_servers");
            try {
                security = KafkaClientSecurity.read(s.source(env));
                security.checkPassThrough("kafka.properties", s.kafkaProperties(), cmd.kafkaProperties);
            } catch (ConfigException e) {
                throw s.fail(e);
            }
            nodeTopics = IndexCommand.nodeTopics(s);
            dlq = s.string("kafka.dlq_topic", nodeTopics != null ? "fabstir.dlq" : "fabstir.logs.dlq");
            group = s.string("kafka.group_id", kind.equals(LokiSink.NAME) ? "fabstir-loki"
                    : "fabstir-indexer-elasticsearch");
            for (String key : List.of("elasticsearch.index_pattern", "elasticsearch.dlq_index_pattern")) {
                String p = s.string(key, key.contains("dlq") ? IndexNames.DEFAULT_DLQ_PATTERN : IndexNames.DEFAULT_PATTERN);
                try {
                    IndexNames.of(p);
                } catch (IllegalArgumentException e) {
                    throw s.fail("invalid config " + key + ": " + e.getMessage());
                }
            }
            s.duration("indexer.timestamp_max_past", java.time.Duration.ofDays(365));
            s.duration("indexer.timestamp_max_future", java.time.Duration.ofDays(1));
            s.integer("indexer.max_in_flight", 20_000, 100);
        } catch (CommandLine.ParameterException e) {
            configFailed(report, e.getMessage());
            return;
        }
        String source = nodeTopics != null ? "node topics " + nodeTopics : "topic " + s.string("kafka.topic",
                "fabstir.logs");
        report.ok("config", (cmd.config == null ? "flags and environment" : cmd.config.toString()) + ": sink " + kind
                + ", " + source + ", group " + group + ", dead letters to " + dlq);

        Map<String, String> props = new LinkedHashMap<>(s.kafkaProperties());
        try (KafkaChecks kafka = new KafkaChecks(bootstrap, security, props)) {
            if (kafka.reachable(report) && kafka.authenticated(report)) {
                if (nodeTopics != null) {
                    kafka.topicsWithPrefix(report, "kafka.topic", nodeTopics.prefix(), "kafka.node_topic_prefix",
                            AclOperation.READ);
                } else {
                    kafka.topic(report, "kafka.topic", s.string("kafka.topic", "fabstir.logs"), "kafka.topic",
                            AclOperation.READ);
                }
                kafka.topic(report, "kafka.dlq_topic", dlq, "kafka.dlq_topic", AclOperation.WRITE);
                kafka.group(report, group, "kafka.group_id");
            } else {
                report.skipped("kafka.topic", "Kafka did not accept the connection or the credential");
                report.skipped("kafka.group", "Kafka did not accept the connection or the credential");
            }
        }
        int port = s.integer("indexer.metrics_port", 0, 0);
        if (port > 0) {
            LocalChecks.listenPort(report, "metrics_port", "indexer.metrics_port", null, port);
        }
        if (kind.equals(LokiSink.NAME)) {
            loki(report, s);
        } else {
            elasticsearch(cmd, report, s, env);
        }
    }

    private static void elasticsearch(IndexCommand cmd, CheckReport report, CentralSettings s, Map<String, String> env) {
        ElasticsearchAccess access;
        try {
            access = cmd.access(s, env);
        } catch (CommandLine.ParameterException e) {
            configFailed(report, e.getMessage());
            return;
        }
        String pattern = s.string("elasticsearch.index_pattern", IndexNames.DEFAULT_PATTERN);
        String dlqPattern = s.string("elasticsearch.dlq_index_pattern", IndexNames.DEFAULT_DLQ_PATTERN);
        boolean install = s.bool("indexer.install_templates", true);
        try (EsConnection es = cmd.connect(s, access)) {
            ElasticsearchChecks checks = new ElasticsearchChecks(es, access);
            checks.connect(report);
            // What index's own start-up check asks for: the documented roles (indexer; templates when it installs).
            checks.privileges(report, install ? Roles.TEMPLATES.clusterPrivileges() : List.of(), List.of(
                    new AccessCheck.Need(List.of(IndexNames.of(pattern).wildcard(),
                            IndexNames.of(dlqPattern).wildcard()), Roles.INDEXER.indexPrivileges())));
            checks.templates(report, ElasticsearchCommand.installer(s, es), install, "indexer.install_templates");
        } catch (java.io.IOException e) {
            // closing the client
        }
    }

    private static void loki(CheckReport report, CentralSettings s) {
        LokiSink.Probe probe;
        try {
            probe = LokiConfig.builder(s.withPrefix("loki.")).probe();
        } catch (LokiConfig.InvalidKey e) {
            report.failed("loki.push", e.getMessage(), e.key(), null);
            return;
        } catch (IllegalArgumentException e) {
            report.failed("loki.push", e.getMessage(), LokiConfig.URL, null);
            return;
        }
        if (probe.accepted()) {
            report.ok("loki.push", probe.url() + " accepted a push of no streams (" + probe.status() + "); nothing "
                    + "was stored");
        } else if (probe.status() == 401 || probe.status() == 403) {
            report.failed("loki.push", probe.url() + " refused the credential or tenant (" + probe.status() + ": "
                    + brief(probe.body()) + ")", LokiConfig.BASIC_PASSWORD_FILE, "check loki.tenant and the "
                    + "loki.auth.* credential");
        } else if (probe.status() < 0) {
            boolean tls = probe.body().contains("SSL") || probe.body().contains("PKIX");
            report.failed("loki.push", "no answer from " + probe.url() + ": " + brief(probe.body()),
                    tls ? LokiConfig.TLS_CA_FILE : LokiConfig.URL, tls ? "loki.tls.ca_file must hold the CA that "
                            + "signed Loki's certificate" : "check loki.url, and that Loki runs");
        } else {
            report.failed("loki.push", probe.url() + " answered " + probe.status() + ": " + brief(probe.body()),
                    LokiConfig.URL, "loki.url must be Loki's base URL or its /loki/api/v1/push");
        }
    }

    /** A settings error of the central commands (picocli's message names the key). */
    static void configFailed(CheckReport report, String message) {
        Matcher m = KEY.matcher(message);
        report.failed("config", message, m.find() ? m.group(1) : null, null);
    }

    private static String brief(String body) {
        String b = body == null ? "" : body.strip().replace('\n', ' ');
        return b.length() > 200 ? b.substring(0, 200) + "…" : b;
    }
}
