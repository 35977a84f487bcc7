package io.fabstir.shipper.kafka;

import io.fabstir.enrichers.EnricherChain;
import io.fabstir.localservices.SecureKafka;
import io.fabstir.localservices.SharedServices;
import io.fabstir.localservices.tls.IssuedCertificate;
import io.fabstir.localservices.tls.TestCa;
import io.fabstir.shipper.cli.FabstirShipper;
import io.fabstir.shipper.config.EdgeConfig;
import io.fabstir.shipper.harness.TopicContents;
import io.fabstir.shipper.metrics.ShipperMetrics;
import io.fabstir.shipper.tail.Tailer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The edge against a secured Kafka (SASL_SSL with SCRAM-SHA-512, mTLS, ACLs, quotas): it writes its own topic as its
 * certificate's principal; a wrong password, an untrusted CA, an expired certificate or another node's topic each
 * stop it at start naming the setting; a principal over its quota is throttled while another is not.
 */
@Tag("integration")
class EdgeSecurityTest {
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    @TempDir
    static Path dir;
    private static SecureKafka kafka;
    private static TestCa ca;

    @BeforeAll
    static void services() {
        kafka = SharedServices.secureKafka().security();
        ca = kafka.settings().ca();
    }

    @Test
    void anEdgeOnMutualTlsWritesItsOwnTopicAsItsCertificatesPrincipal() throws Exception {
        String node = "mtls-" + RUN;
        String topic = "fabstir.logs." + node;
        createTopic(topic);
        kafka.allow(node, new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), AclOperation.WRITE);
        IssuedCertificate cert = ca.client(node);
        Path logs = Files.createDirectories(dir.resolve(node));
        Files.writeString(logs.resolve("app.json"), "{\"event.id\":\"m-1\",\"message\":\"one\"}\n"
                + "{\"event.id\":\"m-2\",\"message\":\"two\"}\n");
        Path yaml = Files.writeString(dir.resolve(node + ".yaml"), "node_id: " + node + "\n"
                + "paths: [" + logs + "/*.json]\n"
                + "checkpoint_file: " + dir.resolve(node + ".checkpoint") + "\n"
                + "kafka:\n  bootstrap_servers: " + kafka.mtlsBootstrapServers() + "\n  topic: " + topic + "\n"
                + "  security:\n    cert_file: " + cert.certificatePem() + "\n    key_file: " + cert.keyPem() + "\n"
                + "    ca_file: " + ca.certificatePem() + "\n");
        EdgeConfig cfg = EdgeConfig.load(yaml, Map.of(), Map.of());
        assertThat(cfg.kafkaSecurity().principal()).startsWith("CN=" + node);
        try (KafkaRecordSink sink = KafkaRecordSink.create(cfg)) {
            assertThat(sink.verify()).isNull();
            Tailer tailer = Tailer.create(cfg, EnricherChain.builder().nodeId(node).build(), sink, ShipperMetrics.get());
            Thread t = new Thread(() -> {
                try {
                    tailer.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "mtls-tail");
            t.start();
            try (TopicContents read = new TopicContents(admin(), topic)) {
                assertThat(read.readUntil(r -> r.size() >= 2, Duration.ofSeconds(60))).isTrue();
                assertThat(read.eventIds()).containsExactly("m-1", "m-2");
            } finally {
                tailer.stop();
                tailer.awaitFinished(20, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aWrongPasswordAnUntrustedCaAnExpiredCertificateOrAnotherNodesTopicStopTheEdgeAtStart() throws Exception {
        String node = "refused-" + RUN;
        kafka.addUser(node, "right-" + RUN);
        String own = "fabstir.logs." + node;
        String other = "fabstir.logs.other-" + RUN;
        createTopic(own);
        createTopic(other);
        kafka.allow(node, new ResourcePattern(ResourceType.TOPIC, own, PatternType.LITERAL), AclOperation.WRITE);
        Path right = Files.writeString(dir.resolve("right"), "right-" + RUN);
        Path wrong = Files.writeString(dir.resolve("wrong"), "wrong");
        Path otherCa = TestCa.create(dir.resolve("other-ca"), "Other CA").certificatePem();
        String caPem = ca.certificatePem().toString();

        assertThat(tail(node, kafka.bootstrapServers(), own, "--kafka-username", node, "--kafka-password-file",
                wrong.toString(), "--kafka-ca-file", caPem)).contains("kafka.security.password_file")
                .contains("User:" + node);
        assertThat(tail(node, kafka.bootstrapServers(), own, "--kafka-username", node, "--kafka-password-file",
                right.toString(), "--kafka-ca-file", otherCa.toString())).contains("kafka.security.ca_file")
                .contains(otherCa.toString());
        // Node A's principal may not write node B's topic.
        assertThat(tail(node, kafka.bootstrapServers(), other, "--kafka-username", node, "--kafka-password-file",
                right.toString(), "--kafka-ca-file", caPem)).contains("kafka.topic").contains(other);
        IssuedCertificate expired = ca.expired(node);
        assertThat(tail(node, kafka.mtlsBootstrapServers(), own, "--kafka-cert-file",
                expired.certificatePem().toString(), "--kafka-key-file", expired.keyPem().toString(),
                "--kafka-ca-file", caPem)).contains("kafka.security.cert_file");
        // Credentials are never taken where ps shows them.
        assertThat(tail(node, kafka.bootstrapServers(), own, "--producer-prop",
                "sasl.jaas.config=x required password=\"p\";")).contains("kafka.producer")
                .contains("carries a secret");
    }

    @Test
    void aPrincipalOverItsProducerQuotaIsThrottledAndAnotherIsNot() throws Exception {
        String chatty = "chatty-" + RUN;
        String quiet = "quiet-" + RUN;
        String topic = "fabstir.logs.quota-" + RUN;
        createTopic(topic);
        for (String u : List.of(chatty, quiet)) {
            kafka.addUser(u, "pw-" + u);
            kafka.allow(u, new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL), AclOperation.WRITE);
        }
        // The broker averages a new principal's rate over its whole quota window (11 s): 64 KB is far over 1 KB/s.
        kafka.setQuotas(chatty, Map.of("producer_byte_rate", 1024.0));
        java.util.Random random = new java.util.Random(7);
        try (KafkaProducer<byte[], byte[]> c = producer(chatty); KafkaProducer<byte[], byte[]> q = producer(quiet)) {
            for (int i = 0; i < 8; i++) {
                q.send(new ProducerRecord<>(topic, incompressible(random))).get(30, TimeUnit.SECONDS);
            }
            for (int i = 0; i < 8; i++) {
                c.send(new ProducerRecord<>(topic, incompressible(random)));
            }
            // The broker answers with a throttle time and the client holds back: the quota is enforced.
            await().atMost(Duration.ofSeconds(30)).until(() -> metric(c, "produce-throttle-time-max") > 0);
            assertThat(metric(q, "produce-throttle-time-max")).isZero();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static Map<String, Object> admin() {
        return new HashMap<>(kafka.adminProperties());
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin a = kafka.admin()) {
            a.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    /** The edge's own producer settings, as {@code tail} makes them, for {@code user}. */
    private static KafkaProducer<byte[], byte[]> producer(String user) {
        Map<String, String> overrides = new HashMap<>();
        kafka.clientProperties(user).forEach((k, v) -> overrides.put(k, String.valueOf(v)));
        overrides.put("linger.ms", "0");
        Map<String, Object> p = KafkaRecordSink.properties(kafka.bootstrapServers(), user, 1_000_000, overrides);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** 8 KB that lz4 cannot shrink: the quota counts bytes as they travel. */
    private static byte[] incompressible(java.util.Random random) {
        byte[] b = new byte[8192];
        random.nextBytes(b);
        return b;
    }

    private static double metric(KafkaProducer<?, ?> p, String name) {
        for (Map.Entry<org.apache.kafka.common.MetricName, ? extends Metric> e : p.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
                Object v = e.getValue().metricValue();
                return v instanceof Double d && !d.isNaN() ? d : 0;
            }
        }
        return 0;
    }

    /** Runs {@code tail} until it exits at start; returns its stderr (the exit code must be 2). */
    private static String tail(String node, String bootstrap, String topic, String... security) throws Exception {
        List<String> args = new ArrayList<>(List.of("tail", "--node-id", node, "--path", dir + "/none/*.json",
                "--checkpoint-file", dir.resolve("cp-" + System.nanoTime()).toString(),
                "--bootstrap-servers", bootstrap, "--topic", topic));
        args.addAll(List.of(security));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true));
        int rc;
        try {
            rc = FabstirShipper.commandLine().execute(args.toArray(String[]::new));
        } finally {
            System.setErr(old);
        }
        assertThat(rc).as(err.toString()).isEqualTo(2);
        return err.toString();
    }
}
