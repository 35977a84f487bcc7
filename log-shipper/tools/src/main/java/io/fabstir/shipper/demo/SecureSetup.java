package io.fabstir.shipper.demo;

import io.fabstir.localservices.SecureElasticsearch;
import io.fabstir.localservices.SecureKafka;
import io.fabstir.shipper.identity.NodeTopics;
import io.fabstir.shipper.security.ConfigSource;
import io.fabstir.shipper.security.ElasticsearchAccess;
import io.fabstir.shipper.security.KafkaClientSecurity;
import io.fabstir.shipper.sink.elasticsearch.Roles;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code demo --secure}: what docs/security.md tells an operator to set up, done on this run's own Kafka and
 * Elasticsearch and printed as it goes: a Kafka user per process with its ACLs and the node's quota, per-node and
 * chain topics, Elasticsearch API keys with the documented roles (one to install the templates, one to index), and
 * every secret in a file of its own (mode 600) that the parts read, as the shipper's commands would.
 */
final class SecureSetup {
    static final String NODE_TOPIC_PREFIX = "fabstir.logs.";
    static final String CHAIN_TOPIC = "fabstir.chain";
    static final String DLQ_TOPIC = "fabstir.dlq";
    static final String INDEXER = "fabstir-indexer";
    static final String CHAIN_MONITOR = "chain-monitor";
    /** The node's producer quota: ample for the demo, and what stops a hostile node from starving the others. */
    static final double NODE_PRODUCER_BYTE_RATE = 1_048_576;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Console console;
    private final Path secrets;
    KafkaClientSecurity node;
    KafkaClientSecurity chain;
    KafkaClientSecurity indexer;
    ElasticsearchAccess indexerAccess;
    ElasticsearchAccess templatesAccess;
    ElasticsearchAccess operatorAccess;
    String nodeTopic;

    SecureSetup(Console console, Path work) throws IOException {
        this.console = console;
        this.secrets = Files.createDirectories(work.resolve("secrets"));
        Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
    }

    static NodeTopics nodeTopics() {
        return NodeTopics.of(NODE_TOPIC_PREFIX, CHAIN_TOPIC);
    }

    /** Users, topics, ACLs and the node's quota on the secured broker. */
    void kafka(SecureKafka kafka, String nodeId) throws IOException, ExecutionException, InterruptedException,
            TimeoutException {
        nodeTopic = nodeTopics().topicOf(nodeId);
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(nodeTopic, 1, (short) 1), new NewTopic(CHAIN_TOPIC, 1, (short) 1),
                    new NewTopic(DLQ_TOPIC, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        node = kafkaUser(kafka, nodeId);
        kafka.allow(nodeId, literal(nodeTopic), AclOperation.WRITE);
        kafka.setQuotas(nodeId, Map.of("producer_byte_rate", NODE_PRODUCER_BYTE_RATE));
        chain = kafkaUser(kafka, CHAIN_MONITOR);
        kafka.allow(CHAIN_MONITOR, literal(CHAIN_TOPIC), AclOperation.WRITE);
        indexer = kafkaUser(kafka, INDEXER);
        kafka.allow(INDEXER, new ResourcePattern(ResourceType.TOPIC, NODE_TOPIC_PREFIX, PatternType.PREFIXED),
                AclOperation.READ);
        kafka.allow(INDEXER, literal(CHAIN_TOPIC), AclOperation.READ);
        kafka.allow(INDEXER, new ResourcePattern(ResourceType.GROUP, Pipeline.GROUP, PatternType.LITERAL),
                AclOperation.READ);
        kafka.allow(INDEXER, literal(DLQ_TOPIC), AclOperation.WRITE);
        console.step("secure Kafka: SASL_SSL with SCRAM-SHA-512 at %s, mTLS at %s, trusting %s; StandardAuthorizer, "
                + "no anonymous access", kafka.bootstrapServers(), kafka.mtlsBootstrapServers(), kafka.caPem());
        console.line("    user %-16s WRITE %s (LITERAL: its own topic only); quota producer_byte_rate %.0f B/s",
                nodeId, nodeTopic, NODE_PRODUCER_BYTE_RATE);
        console.line("    user %-16s WRITE %s (contract events are accepted from this topic only)", CHAIN_MONITOR,
                CHAIN_TOPIC);
        console.line("    user %-16s READ %s* (PREFIXED) and %s, READ group %s, WRITE %s", INDEXER,
                NODE_TOPIC_PREFIX, CHAIN_TOPIC, Pipeline.GROUP, DLQ_TOPIC);
        console.line("    passwords: %s/<user>.password (mode 600)", secrets);
    }

    /** API keys with the documented roles; the operator's own view as the {@code elastic} user. */
    void elasticsearch(SecureElasticsearch es) throws IOException {
        Path templatesKey = apiKey(es, Roles.TEMPLATES);
        Path indexerKey = apiKey(es, Roles.INDEXER);
        Path elastic = secret("elastic.password", es.elasticPassword());
        templatesAccess = esAccess(es, Map.of(ElasticsearchAccess.API_KEY_FILE, templatesKey.toString()));
        indexerAccess = esAccess(es, Map.of(ElasticsearchAccess.API_KEY_FILE, indexerKey.toString()));
        operatorAccess = esAccess(es, Map.of(ElasticsearchAccess.USERNAME, es.elasticUser(),
                ElasticsearchAccess.PASSWORD_FILE, elastic.toString()));
        console.step("secure Elasticsearch: HTTPS at %s with security on, trusting %s", es.url(), es.caPem());
        console.line("    API key %-17s %s (installs the templates; %s)", Roles.TEMPLATES.roleName(),
                privileges(Roles.TEMPLATES), templatesKey);
        console.line("    API key %-17s %s (the indexer, nothing more; %s)", Roles.INDEXER.roleName(),
                privileges(Roles.INDEXER), indexerKey);
        console.line("    user elastic (this report's searches; password in %s)", elastic);
    }

    private KafkaClientSecurity kafkaUser(SecureKafka kafka, String user) throws IOException {
        String password = random();
        kafka.addUser(user, password);
        Path file = secret(user + ".password", password);
        return KafkaClientSecurity.read(ConfigSource.of(Map.of(KafkaClientSecurity.USERNAME, user,
                KafkaClientSecurity.PASSWORD_FILE, file.toString(),
                KafkaClientSecurity.CA_FILE, kafka.caPem().toString()), Map.of()));
    }

    private Path apiKey(SecureElasticsearch es, Roles role) throws IOException {
        SecureElasticsearch.ApiKey key = es.createApiKey(role.roleName() + "-demo", role.descriptors());
        return secret(role.roleName() + ".api-key", key.encoded());
    }

    private static ElasticsearchAccess esAccess(SecureElasticsearch es, Map<String, String> credential) {
        Map<String, String> v = new java.util.HashMap<>(credential);
        v.put(ElasticsearchAccess.HOSTS, es.url());
        v.put(ElasticsearchAccess.CA_FILE, es.caPem().toString());
        return ElasticsearchAccess.read(ConfigSource.of(v, Map.of()), es.url());
    }

    private Path secret(String name, String value) throws IOException {
        Path f = secrets.resolve(name);
        Files.writeString(f, value, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private static ResourcePattern literal(String topic) {
        return new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL);
    }

    /** The role's privileges in one line, from its JSON. */
    private static String privileges(Roles role) {
        return role.json().replaceAll("\\s+", " ");
    }

    private static String random() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
