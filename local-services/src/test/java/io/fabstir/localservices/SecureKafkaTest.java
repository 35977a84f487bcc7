package io.fabstir.localservices;

import static org.apache.kafka.common.acl.AclOperation.DESCRIBE;
import static org.apache.kafka.common.acl.AclOperation.READ;
import static org.apache.kafka.common.acl.AclOperation.WRITE;
import static org.apache.kafka.common.resource.PatternType.LITERAL;
import static org.apache.kafka.common.resource.PatternType.PREFIXED;
import static org.apache.kafka.common.resource.ResourceType.GROUP;
import static org.apache.kafka.common.resource.ResourceType.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabstir.localservices.tls.IssuedCertificate;
import io.fabstir.localservices.tls.TestCa;

@Tag("integration")
class SecureKafkaTest {
    private static LocalKafka kafka;
    private static SecureKafka secure;

    @BeforeAll
    static void start() {
        kafka = SharedServices.secureKafka();
        secure = kafka.security();
    }

    @Test
    void scramUserProducesAndConsumesOverTls() throws Exception {
        String user = unique("alice");
        String topic = unique("secure-roundtrip");
        kafka.createTopic(topic, 1);
        secure.addUser(user, "alice-secret");
        secure.allow(user, new ResourcePattern(TOPIC, topic, LITERAL), WRITE, READ, DESCRIBE);
        secure.allow(user, new ResourcePattern(GROUP, user, LITERAL), READ);

        try (KafkaProducer<String, String> producer = producer(secure.clientProperties(user))) {
            for (int i = 0; i < 10; i++) producer.send(new ProducerRecord<>(topic, "k", "v" + i)).get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> c = secure.clientProperties(user);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, user);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        assertThat(consume(c, topic, 10)).containsExactly("v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9");
    }

    @Test
    void wrongPasswordFailsWithAnAuthenticationError() {
        String user = unique("bob");
        secure.addUser(user, "right-password");
        try (KafkaProducer<String, String> producer = producer(secure.clientProperties(user, "wrong-password"))) {
            assertThatThrownBy(() -> producer.partitionsFor("anything")).isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void removedUserCanNoLongerAuthenticate() {
        String user = unique("carol");
        secure.addUser(user, "carol-secret");
        String password = secure.password(user);
        secure.removeUser(user);
        try (KafkaProducer<String, String> producer = producer(secure.clientProperties(user, password))) {
            assertThatThrownBy(() -> producer.partitionsFor("anything")).isInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void userWithoutAnAclGetsTopicAuthorizationException() {
        String user = unique("dave");
        String topic = unique("no-acl");
        kafka.createTopic(topic, 1);
        secure.addUser(user, "dave-secret");
        try (KafkaProducer<String, String> producer = producer(secure.clientProperties(user))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "x")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void prefixedAclLetsANodeWriteOnlyItsOwnTopics() throws Exception {
        String nodeA = unique("node-a");
        String nodeB = unique("node-b");
        String topicA = "fabstir.logs." + nodeA;
        String topicB = "fabstir.logs." + nodeB;
        kafka.createTopic(topicA, 1);
        kafka.createTopic(topicB, 1);
        secure.addUser(nodeA, "node-a-secret");
        secure.allow(nodeA, new ResourcePattern(TOPIC, "fabstir.logs." + nodeA, PREFIXED), WRITE);

        try (KafkaProducer<String, String> producer = producer(secure.clientProperties(nodeA))) {
            assertThat(producer.send(new ProducerRecord<>(topicA, "mine")).get(30, TimeUnit.SECONDS).offset()).isZero();
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topicB, "spoofed")).get(30, TimeUnit.SECONDS))
                    .cause().isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void mtlsClientIsThePrincipalNamedByItsCertificate(@TempDir Path dir) throws Exception {
        String node = unique("node-m");
        String topic = "fabstir.logs." + node;
        kafka.createTopic(topic, 1);
        IssuedCertificate cert = SharedServices.testCa().client(node);
        secure.allow(node, new ResourcePattern(TOPIC, topic, LITERAL), WRITE);
        try (KafkaProducer<String, String> producer = producer(secure.mtlsClientProperties(cert))) {
            assertThat(producer.send(new ProducerRecord<>(topic, "by cert")).get(30, TimeUnit.SECONDS).offset()).isZero();
        }

        IssuedCertificate foreign = TestCa.create(dir.resolve("other-ca"), "Other CA").client(node);
        try (KafkaProducer<String, String> producer = producer(secure.mtlsClientProperties(foreign))) {
            assertThatThrownBy(() -> producer.partitionsFor(topic)).isInstanceOf(SslAuthenticationException.class);
        }
        IssuedCertificate expired = SharedServices.testCa().expired(unique("node-x"));
        try (KafkaProducer<String, String> producer = producer(secure.mtlsClientProperties(expired))) {
            assertThatThrownBy(() -> producer.partitionsFor(topic)).isInstanceOf(SslAuthenticationException.class);
        }
    }

    @Test
    void producerByteRateQuotaIsDescribedBackAndThrottles() throws Exception {
        String user = unique("chatty");
        String topic = unique("quota");
        kafka.createTopic(topic, 1);
        secure.addUser(user, "chatty-secret");
        secure.allow(user, new ResourcePattern(TOPIC, topic, LITERAL), WRITE);
        secure.setQuotas(user, Map.of("producer_byte_rate", 1024.0, "request_percentage", 50.0));

        assertThat(secure.quotas(user)).containsEntry("producer_byte_rate", 1024.0).containsEntry("request_percentage", 50.0);
        Map<String, Object> p = secure.clientProperties(user);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 16_384);
        try (KafkaProducer<String, String> producer = producer(p)) {
            String value = "x".repeat(8_000);
            // Over 1 KB/s: the broker answers with a throttle time (and mutes the connection for it), which the
            // producer records. The first answer usually carries it already; each later send waits it out.
            for (int i = 0; i < 5 && metric(producer, "produce-throttle-time-max") == 0.0; i++) {
                producer.send(new ProducerRecord<>(topic, value)).get(60, TimeUnit.SECONDS);
            }
            assertThat(metric(producer, "produce-throttle-time-max")).isGreaterThan(0.0);
        }
    }

    private static double metric(KafkaProducer<?, ?> producer, String name) {
        for (Map.Entry<org.apache.kafka.common.MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
                Object v = e.getValue().metricValue();
                return v instanceof Double d && !d.isNaN() ? d : 0.0;
            }
        }
        throw new IllegalStateException("no metric " + name);
    }

    static KafkaProducer<String, String> producer(Map<String, Object> props) {
        props.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    static List<String> consume(Map<String, Object> props, String topic, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) values.add(r.value());
            }
        }
        return values;
    }

    static String unique(String name) {
        return name + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
