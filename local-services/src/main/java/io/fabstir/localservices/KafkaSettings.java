package io.fabstir.localservices;

import java.nio.file.Path;
import java.util.Properties;

/** KRaft node configurations: the single combined node (open or secured) and the nodes of a {@link KafkaCluster}. */
final class KafkaSettings {
    private KafkaSettings() {}

    /** The open single node: PLAINTEXT for clients and the broker, CONTROLLER for the quorum. */
    static Properties render(Path logDir, int brokerPort, int controllerPort, int partitions) {
        Properties p = singleNode(logDir, controllerPort, partitions);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        return p;
    }

    /** The secured single node: SASL_SSL for clients, MTLS for mTLS clients and the broker, CONTROLLER on TLS. */
    static Properties renderSecured(Path logDir, int saslPort, int mtlsPort, int controllerPort, int partitions,
                                    KafkaSecurity security) {
        Properties p = singleNode(logDir, controllerPort, partitions);
        p.setProperty("listeners", "SASL_SSL://127.0.0.1:" + saslPort + ",MTLS://127.0.0.1:" + mtlsPort
                + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "SASL_SSL://127.0.0.1:" + saslPort + ",MTLS://127.0.0.1:" + mtlsPort);
        securedListeners(p, security);
        return p;
    }

    /** The dedicated controller of a cluster (the brokers reach it through their own proxies). */
    static Properties clusterController(Path logDir, int nodeId, int controllerPort, KafkaSecurity security) {
        Properties p = common(logDir, 1);
        p.setProperty("process.roles", "controller");
        p.setProperty("node.id", Integer.toString(nodeId));
        p.setProperty("controller.quorum.voters", nodeId + "@127.0.0.1:" + controllerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("listeners", "CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("listener.security.protocol.map", security == null ? "CONTROLLER:PLAINTEXT" : "CONTROLLER:SSL");
        if (security != null) security.applyTo(p);
        // The controller's own value is the cluster default that topic descriptions report.
        p.setProperty("default.replication.factor", "3");
        p.setProperty("min.insync.replicas", "2");
        clusterTimeouts(p);
        return p;
    }

    /**
     * A broker of a cluster. {@code bind} are the ports it listens on, {@code advertised} the proxies clients and the
     * other brokers are told to use (same order: client listener, then MTLS when secured).
     */
    static Properties clusterBroker(Path logDir, int nodeId, int controllerId, int controllerProxyPort, int[] bind,
                                    int[] advertised, int partitions, KafkaSecurity security) {
        Properties p = common(logDir, partitions);
        p.setProperty("process.roles", "broker");
        p.setProperty("node.id", Integer.toString(nodeId));
        p.setProperty("controller.quorum.voters", controllerId + "@127.0.0.1:" + controllerProxyPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        if (security == null) {
            p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + bind[0]);
            p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + advertised[0]);
            p.setProperty("inter.broker.listener.name", "PLAINTEXT");
            p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            p.setProperty("listeners", "SASL_SSL://127.0.0.1:" + bind[0] + ",MTLS://127.0.0.1:" + bind[1]);
            p.setProperty("advertised.listeners", "SASL_SSL://127.0.0.1:" + advertised[0]
                    + ",MTLS://127.0.0.1:" + advertised[1]);
            securedListeners(p, security);
        }
        p.setProperty("default.replication.factor", "3");
        p.setProperty("min.insync.replicas", "2");
        p.setProperty("offsets.topic.replication.factor", "3");
        p.setProperty("transaction.state.log.replication.factor", "3");
        p.setProperty("transaction.state.log.min.isr", "2");
        p.setProperty("share.coordinator.state.topic.replication.factor", "3");
        p.setProperty("share.coordinator.state.topic.min.isr", "2");
        // A follower that stops fetching leaves the ISR after 10 s instead of 30 s.
        p.setProperty("replica.lag.time.max.ms", "10000");
        clusterTimeouts(p);
        return p;
    }

    private static void securedListeners(Properties p, KafkaSecurity security) {
        p.setProperty("inter.broker.listener.name", KafkaSecurity.MTLS_LISTENER);
        p.setProperty("listener.security.protocol.map", "SASL_SSL:SASL_SSL,MTLS:SSL,CONTROLLER:SSL");
        security.applyTo(p);
    }

    /*
     * The controller fences a broker whose heartbeats stop for broker.session.timeout.ms: then its partitions get
     * new leaders and it leaves every ISR. 6 s keeps a killed or partitioned broker's outage short without fencing
     * a broker that a loaded 2-core machine merely paused.
     */
    private static void clusterTimeouts(Properties p) {
        p.setProperty("broker.session.timeout.ms", "6000");
        p.setProperty("broker.heartbeat.interval.ms", "500");
    }

    private static Properties singleNode(Path logDir, int controllerPort, int partitions) {
        Properties p = common(logDir, partitions);
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("default.replication.factor", "1");
        p.setProperty("min.insync.replicas", "1");
        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // Fast re-registration after a kill -9 restart.
        p.setProperty("broker.session.timeout.ms", "2000");
        p.setProperty("broker.heartbeat.interval.ms", "500");
        return p;
    }

    private static Properties common(Path logDir, int partitions) {
        Properties p = new Properties();
        p.setProperty("log.dirs", logDir.toAbsolutePath().toString());
        p.setProperty("num.partitions", Integer.toString(partitions));
        p.setProperty("auto.create.topics.enable", "true");
        // Fewer coordinator partitions: faster first consumer-group join on a small box.
        p.setProperty("offsets.topic.num.partitions", "5");
        p.setProperty("transaction.state.log.num.partitions", "5");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        // The cleaner's default 128 MiB buffer does not fit a small heap.
        p.setProperty("log.cleaner.dedupe.buffer.size", "16777216");
        p.setProperty("num.network.threads", "2");
        p.setProperty("num.io.threads", "4");
        return p;
    }
}
