package io.fabstir.shipper.cli;

import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.check.KafkaChecks;
import io.fabstir.shipper.check.LocalChecks;
import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.config.EdgeConfig;
import io.fabstir.shipper.tail.PathCheck;
import org.apache.kafka.common.acl.AclOperation;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code check tail}: the edge's settings as {@code tail} reads them; the globs match files this user can read; the
 * checkpoint's folder is writable; Kafka accepts the connection and the credential and lets this principal WRITE the
 * topic (as the brokers describe it: nothing is written); the producer keeps the delivery guarantee; the metrics
 * port is free.
 */
final class TailCheck {
    private TailCheck() {
    }

    static void run(Path yaml, Map<String, Object> flags, CheckReport report) {
        EdgeConfig cfg;
        try {
            cfg = EdgeConfig.load(yaml, System.getenv(), flags);
        } catch (ConfigException e) {
            report.failed("config", e);
            return;
        }
        report.ok("config", (yaml == null ? "flags and environment" : yaml.toString()) + ": node_id " + cfg.nodeId()
                + ", " + cfg.paths().size() + " path glob" + (cfg.paths().size() == 1 ? "" : "s") + ", topic "
                + cfg.topic() + ", redaction " + (cfg.redaction() ? "on (" + cfg.redactKeys().size() + " extra keys, "
                + cfg.redactPatterns().size() + " extra patterns)" : "OFF"));
        PathCheck.run(report, cfg.paths());
        LocalChecks.writableFolderOf(report, "checkpoint_file", "checkpoint_file", cfg.checkpointFile());
        delivery(report, cfg.producer());
        try (KafkaChecks kafka = new KafkaChecks(cfg.bootstrapServers(), cfg.kafkaSecurity(), cfg.producer())) {
            if (kafka.reachable(report) && kafka.authenticated(report)) {
                kafka.topic(report, "kafka.topic", cfg.topic(), "kafka.topic", AclOperation.WRITE);
            } else {
                report.skipped("kafka.topic", "Kafka did not accept the connection or the credential");
            }
        }
        if (cfg.metricsPort() > 0) {
            LocalChecks.listenPort(report, "metrics_port", "metrics_port", null, cfg.metricsPort());
        }
    }

    /**
     * {@code kafka.producer}: acks=all and idempotence (the defaults) are what lets a broker die without losing or
     * doubling a record; a pass-through property that weakens them is reported.
     */
    private static void delivery(CheckReport report, Map<String, String> producer) {
        String acks = producer.getOrDefault("acks", "all").trim();
        String idempotence = producer.getOrDefault("enable.idempotence", "true").trim();
        if ((acks.equals("all") || acks.equals("-1")) && idempotence.equalsIgnoreCase("true")) {
            report.ok("kafka.producer", "acks=all, idempotence on: a broker's loss neither loses nor repeats a record");
        } else {
            report.warn("kafka.producer", "acks=" + acks + ", enable.idempotence=" + idempotence + ": a broker's loss "
                    + "can lose or repeat records", "kafka.producer", "remove acks and enable.idempotence from "
                    + "kafka.producer (the defaults are acks=all and idempotence)");
        }
    }
}
