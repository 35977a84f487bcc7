package io.fabstir.shipper.cli;

import io.fabstir.enrichers.EnricherChain;
import io.fabstir.enrichers.redact.Redactor;
import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.config.EdgeConfig;
import io.fabstir.shipper.logging.OwnLogRedaction;
import io.fabstir.shipper.metrics.ShipperMetrics;
import io.fabstir.shipper.tail.Tailer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * SIGHUP (systemd's {@code ExecReload}) makes {@code tail} read its configuration again, from the same file,
 * environment and flags: new {@code paths}, {@code static_fields}, {@code formats} and {@code redaction} rules take
 * effect without a restart, so no line is lost or sent twice ({@link Tailer#reload}). An invalid file is refused and the running
 * settings kept; a setting that only a restart can change (Kafka, node id, checkpoint file, intervals) is named in
 * a warning and keeps its running value.
 */
final class EdgeReload {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeReload.class);

    private final Path yaml;
    private final Map<String, Object> flags;
    private final Tailer tailer;
    private EdgeConfig running;

    private EdgeReload(Path yaml, Map<String, Object> flags, Tailer tailer, EdgeConfig running) {
        this.yaml = yaml;
        this.flags = flags;
        this.tailer = tailer;
        this.running = running;
    }

    /** Installs the SIGHUP handler (replacing the JVM's, which would exit). */
    static void install(Path yaml, Map<String, Object> flags, Tailer tailer, EdgeConfig running) {
        EdgeReload r = new EdgeReload(yaml, flags, tailer, running);
        try {
            Signal.handle(new Signal("HUP"), s -> r.reload());
        } catch (IllegalArgumentException unsupported) {
            LOG.warn("SIGHUP cannot be handled here ({}); restart to change the configuration", unsupported.getMessage());
        }
    }

    synchronized void reload() {
        EdgeConfig next;
        try {
            next = EdgeConfig.load(yaml, System.getenv(), flags);
        } catch (ConfigException e) {
            LOG.error("reload refused, the running configuration is kept: {}", e.getMessage());
            return;
        } catch (RuntimeException e) {
            LOG.error("reload refused, the running configuration is kept: {}", e.toString());
            return;
        }
        List<String> restartOnly = new ArrayList<>();
        compare(restartOnly, next, "node_id", EdgeConfig::nodeId);
        compare(restartOnly, next, "host_name", EdgeConfig::hostName);
        compare(restartOnly, next, "environment", EdgeConfig::environment);
        compare(restartOnly, next, "checkpoint_file", EdgeConfig::checkpointFile);
        compare(restartOnly, next, "kafka.bootstrap_servers", EdgeConfig::bootstrapServers);
        compare(restartOnly, next, "kafka.topic", EdgeConfig::topic);
        compare(restartOnly, next, "kafka.producer", EdgeConfig::producer);
        compare(restartOnly, next, "kafka.security", c -> c.kafkaSecurity().toString());
        compare(restartOnly, next, "metrics_port", EdgeConfig::metricsPort);
        compare(restartOnly, next, "multiline", c -> String.valueOf(c.multilinePattern()));
        compare(restartOnly, next, "max_line_bytes", EdgeConfig::maxLineBytes);
        compare(restartOnly, next, "enrichers", EdgeConfig::enrichers);
        if (!restartOnly.isEmpty()) {
            LOG.warn("reload: {} changed but take effect only at a restart; running with the old values",
                    restartOnly);
        }
        // Identity fields stay as running (they are restart-only); static fields and redaction come from the file.
        tailer.reload(next.paths(), chain(running, next));
        running = next;
    }

    /**
     * The enricher of a run: identity from {@code identity}; formats, static fields and redaction from {@code rules}.
     * The shipper's own lines follow the same redaction names and patterns, even when shipped records are not redacted.
     */
    static EnricherChain chain(EdgeConfig identity, EdgeConfig rules) {
        Redactor.Builder rb = Redactor.builder().enabled(rules.redaction());
        rules.redactKeys().forEach(rb::sensitiveKey);
        rules.redactPatterns().forEach(rb::pattern);
        Redactor.Builder own = Redactor.builder();
        rules.redactKeys().forEach(own::sensitiveKey);
        rules.redactPatterns().forEach(own::pattern);
        OwnLogRedaction.use(own.build());
        return EnricherChain.builder()
                .formats(rules.formatMapper(ShipperMetrics.get()::recordMapped))
                .hostName(identity.hostName()).nodeId(identity.nodeId()).environment(identity.environment())
                .staticFields(rules.staticFields()).redactor(rb.build())
                .discover(Thread.currentThread().getContextClassLoader(), identity.enrichers())
                .build();
    }

    private void compare(List<String> out, EdgeConfig next, String key, Function<EdgeConfig, Object> value) {
        if (!Objects.equals(value.apply(running), value.apply(next))) {
            out.add(key);
        }
    }
}
