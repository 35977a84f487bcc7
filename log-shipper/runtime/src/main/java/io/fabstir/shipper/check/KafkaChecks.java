package io.fabstir.shipper.check;

import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.security.KafkaClientSecurity;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The Kafka checks of {@code check}: the bootstrap servers accept connections; the brokers take this client's TLS
 * and credentials; the principal may use a topic or a consumer group as the command needs. Access is <em>described,
 * not tried</em>: the brokers report the operations the principal is authorised for (KIP-430's authorised
 * operations), so nothing is written to a topic and no group is joined.
 */
public final class KafkaChecks implements AutoCloseable {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrap;
    private final KafkaClientSecurity security;
    private final Map<String, Object> adminProperties;
    private Admin admin;

    /**
     * @param bootstrap    {@code kafka.bootstrap_servers}
     * @param security     the {@code kafka.security.*} settings as the command reads them
     * @param passThrough  raw client properties the command passes on as well (those the admin client knows apply)
     */
    public KafkaChecks(String bootstrap, KafkaClientSecurity security, Map<String, String> passThrough) {
        this.bootstrap = bootstrap;
        this.security = security;
        Map<String, Object> p = new LinkedHashMap<>(security.clientProperties());
        passThrough.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k)) {
                p.put(k, v);
            }
        });
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() + 5000);
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 5000);
        p.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 5000);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "fabstir-check");
        this.adminProperties = p;
    }

    /** {@code kafka.connection}: a TCP connection to every bootstrap server. Returns whether one answered. */
    public boolean reachable(CheckReport report) {
        List<String> answered = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (String server : bootstrap.split(",")) {
            String s = server.trim();
            if (s.isEmpty()) {
                continue;
            }
            int colon = s.lastIndexOf(':');
            try (Socket socket = new Socket()) {
                if (colon <= 0) {
                    throw new IOException("not host:port");
                }
                socket.connect(new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1))),
                        3000);
                answered.add(s);
            } catch (IOException | RuntimeException e) {
                silent.add(s + " (" + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": "
                        + e.getMessage()) + ")");
            }
        }
        String key = "kafka.bootstrap_servers";
        if (answered.isEmpty()) {
            report.failed("kafka.connection", "no bootstrap server accepts a connection: " + String.join(", ", silent),
                    key, "check the host names and ports, that the brokers run, and that the network lets this host "
                            + "through");
            return false;
        }
        if (!silent.isEmpty()) {
            report.warn("kafka.connection", String.join(", ", answered) + " accept connections; "
                    + String.join(", ", silent) + " do not", key, "remove or fix the silent ones");
        } else {
            report.ok("kafka.connection", String.join(", ", answered) + " accept connections");
        }
        return true;
    }

    /**
     * {@code kafka.authentication}: the brokers accept this client's TLS and credentials (a cluster description is
     * asked for, which every authenticated principal may ask). Returns whether they did.
     */
    public boolean authenticated(CheckReport report) {
        try {
            DescribeClusterResult d = admin().describeCluster();
            String id = d.clusterId().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            int brokers = d.nodes().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).size();
            String who = "cluster " + id + ", " + brokers + " broker" + (brokers == 1 ? "" : "s");
            if (security.protocol() == KafkaClientSecurity.Protocol.PLAINTEXT) {
                report.warn("kafka.authentication", "connected without TLS or authentication (PLAINTEXT); " + who,
                        KafkaClientSecurity.PROTOCOL, "set kafka.security.* (SASL_SSL or mTLS) outside a test network "
                                + "(docs/security.md)");
            } else {
                report.ok("kafka.authentication", "accepted as " + security.principal() + " (" + security + "); "
                        + who);
            }
            return true;
        } catch (ExecutionException e) {
            refused(report, "kafka.authentication", e.getCause());
        } catch (TimeoutException e) {
            report.failed("kafka.authentication", "no answer from the brokers within " + TIMEOUT.toSeconds() + " s",
                    KafkaClientSecurity.PROTOCOL, "the listener may expect another protocol: check "
                            + KafkaClientSecurity.PROTOCOL + " (" + security.protocol() + ") against the brokers' "
                            + "listener (SASL_SSL, SSL or PLAINTEXT)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            refused(report, "kafka.authentication", e);
        }
        return false;
    }

    /**
     * {@code kafka.topic}: the topic exists and the principal is authorised for {@code operation} on it, as the
     * brokers report; its replication is reported too (below 3 a broker's loss stops {@code acks=all} writes).
     */
    public void topic(CheckReport report, String name, String topic, String key, AclOperation operation) {
        report.run(name, () -> {
            TopicDescription d;
            try {
                d = admin().describeTopics(List.of(topic), new DescribeTopicsOptions().includeAuthorizedOperations(true))
                        .allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(topic);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    report.failed(name, "topic " + topic + " does not exist", key, "create it with replication 3 and "
                            + "min.insync.replicas=2 (README, Running it at scale), or correct " + key);
                } else if (e.getCause() instanceof TopicAuthorizationException) {
                    // The brokers name no topic in this refusal; the check knows which one it asked about.
                    report.failed(name, security.principal() + " may not even describe topic " + topic
                            + ": no ACL grants it anything there", key, grant(operation, "--topic " + topic));
                } else {
                    refused(report, name, e.getCause());
                }
                return;
            }
            int replication = d.partitions().stream().mapToInt(p -> p.replicas().size()).min().orElse(0);
            String shape = d.partitions().size() + " partitions, replication " + replication;
            Set<AclOperation> ops = d.authorizedOperations();
            if (ops != null && !ops.contains(operation) && !ops.contains(AclOperation.ALL)) {
                report.failed(name, security.principal() + " may not " + operation + " topic " + topic + " (it may: "
                        + names(ops) + ")", key, grant(operation, "--topic " + topic));
                return;
            }
            String access = ops == null ? operation + " not confirmed (the brokers do not report authorised "
                    + "operations)" : security.principal() + " may " + operation;
            if (replication < 3) {
                report.warn(name, topic + ": " + access + "; " + shape, key, "with replication " + replication
                        + " the loss of a broker stops writes with acks=all: recreate it with replication 3 and "
                        + "min.insync.replicas=2");
            } else {
                report.ok(name, topic + ": " + access + " (as the brokers report it; nothing was written or read); "
                        + shape);
            }
        });
    }

    /**
     * {@code name}: every existing topic that starts with {@code prefix} (per-node topics, read by a pattern
     * subscription) grants {@code operation} to the principal; none existing yet is a warning.
     */
    public void topicsWithPrefix(CheckReport report, String name, String prefix, String key, AclOperation operation) {
        report.run(name, () -> {
            List<String> topics;
            try {
                topics = admin().listTopics().names().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).stream()
                        .filter(t -> t.startsWith(prefix)).sorted().toList();
            } catch (ExecutionException e) {
                refused(report, name, e.getCause());
                return;
            }
            if (topics.isEmpty()) {
                report.warn(name, "no topic starting with " + prefix + " is visible to " + security.principal()
                        + " yet", key, "an edge's topic appears with its first record; " + operation + " on the "
                        + "prefix is confirmed once one exists (kafka-acls.sh --resource-pattern-type prefixed)");
                return;
            }
            Map<String, TopicDescription> all;
            try {
                all = admin().describeTopics(topics, new DescribeTopicsOptions().includeAuthorizedOperations(true))
                        .allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                refused(report, name, e.getCause());
                return;
            }
            List<String> denied = new ArrayList<>();
            all.forEach((t, d) -> {
                Set<AclOperation> ops = d.authorizedOperations();
                if (ops != null && !ops.contains(operation) && !ops.contains(AclOperation.ALL)) {
                    denied.add(t);
                }
            });
            if (denied.isEmpty()) {
                report.ok(name, security.principal() + " may " + operation + " all " + topics.size() + " topics "
                        + prefix + "* (as the brokers report it)");
            } else {
                report.failed(name, security.principal() + " may not " + operation + " " + denied.size() + " of "
                        + topics.size() + " topics " + prefix + "*: " + String.join(", ", denied.subList(0,
                        Math.min(5, denied.size()))), key, grant(operation, "--topic " + prefix
                        + " --resource-pattern-type prefixed"));
            }
        });
    }

    /** {@code kafka.group}: the principal may READ the consumer group (described, not joined). */
    public void group(CheckReport report, String group, String key) {
        String name = "kafka.group";
        report.run(name, () -> {
            Set<AclOperation> ops;
            try {
                ConsumerGroupDescription d = admin().describeConsumerGroups(List.of(group),
                                new DescribeConsumerGroupsOptions().includeAuthorizedOperations(true))
                        .describedGroups().get(group).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                ops = d.authorizedOperations();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof GroupIdNotFoundException) {
                    ops = null;
                } else {
                    refused(report, name, e.getCause());
                    return;
                }
            }
            if (ops == null) {
                report.ok(name, "group " + group + ": " + security.principal() + " may describe it; READ is "
                        + "confirmed when the group first exists");
            } else if (ops.contains(AclOperation.READ) || ops.contains(AclOperation.ALL)) {
                report.ok(name, "group " + group + ": " + security.principal() + " may READ it (as the brokers "
                        + "report it; the group was not joined)");
            } else {
                report.failed(name, security.principal() + " may not READ consumer group " + group + " (it may: "
                        + names(ops) + ")", key, grant(AclOperation.READ, "--group " + group));
            }
        });
    }

    /** The fix for a missing ACL: the grant that adds it. */
    private String grant(AclOperation operation, String resource) {
        return "the Kafka admin grants it: kafka-acls.sh --add --allow-principal " + security.principal()
                + " --operation " + operation.name().charAt(0)
                + operation.name().substring(1).toLowerCase(java.util.Locale.ROOT) + " " + resource
                + " (docs/security.md)";
    }

    /** A refusal by the brokers, explained by the setting to fix when the security settings can tell which. */
    private void refused(CheckReport report, String name, Throwable cause) {
        ConfigException explained = security.explain(cause);
        if (explained != null) {
            report.failed(name, explained);
        } else {
            report.failed(name, cause.getClass().getSimpleName() + ": " + cause.getMessage(),
                    "kafka.bootstrap_servers", "check that the brokers run and answer on that listener");
        }
    }

    private static String names(Set<AclOperation> ops) {
        Set<String> out = new TreeSet<>();
        ops.forEach(o -> out.add(o.name()));
        return out.isEmpty() ? "nothing" : String.join(", ", out);
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminProperties);
        }
        return admin;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
