package io.fabstir.shipper.cli;

import io.fabstir.localservices.SecureElasticsearch;
import io.fabstir.localservices.SecureKafka;
import io.fabstir.localservices.SharedServices;
import io.fabstir.localservices.tls.TestCa;
import io.fabstir.shipper.harness.CheckRun;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.fabstir.shipper.security.ConfigSource;
import io.fabstir.shipper.security.ElasticsearchAccess;
import io.fabstir.templates.TemplateInstaller;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fabstir-shipper check index} against the real secured services (Kafka SASL_SSL with SCRAM and ACLs,
 * Elasticsearch with HTTPS and native users): with the right settings every check passes and nothing is consumed or
 * written; a wrong password, a wrong CA, a missing ACL and a missing template each fail their own line, naming the
 * setting to fix, and the exit code is 1.
 */
@Tag("integration")
class IndexCheckTest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String TOPIC = "check.logs." + RUN;
    private static final String DLQ = "check.dlq." + RUN;
    private static final String GROUP = "check-group-" + RUN;
    private static final String KAFKA_USER = "check-indexer-" + RUN;
    private static final String ES_USER = "check-es-" + RUN;
    private static SecureKafka kafka;
    private static SecureElasticsearch es;

    @TempDir
    static Path dir;

    @BeforeAll
    static void services() throws Exception {
        kafka = SharedServices.secureKafka().security();
        es = SharedServices.secureElasticsearch().security();
        try (var admin = kafka.admin()) {
            admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(TOPIC, 1, (short) 1),
                    new org.apache.kafka.clients.admin.NewTopic(DLQ, 1, (short) 1))).all().get();
        }
        kafka.addUser(KAFKA_USER, "right-password");
        kafka.allow(KAFKA_USER, new ResourcePattern(ResourceType.TOPIC, TOPIC, PatternType.LITERAL), AclOperation.READ);
        kafka.allow(KAFKA_USER, new ResourcePattern(ResourceType.TOPIC, DLQ, PatternType.LITERAL), AclOperation.WRITE);
        kafka.allow(KAFKA_USER, new ResourcePattern(ResourceType.GROUP, GROUP, PatternType.LITERAL), AclOperation.READ);
        es.putRole("check-indexer-" + RUN, "{\"cluster\":[\"monitor\"],\"indices\":[{\"names\":[\"checklogs-" + RUN
                + "-*\",\"checklogs-dlq-" + RUN + "-*\"],\"privileges\":[\"create_doc\",\"create_index\","
                + "\"auto_configure\",\"read\"]}]}");
        es.putUser(ES_USER, "es-right-password", "check-indexer-" + RUN);
        Files.writeString(dir.resolve("kafka-password"), "right-password");
        Files.writeString(dir.resolve("es-password"), "es-right-password");
        Files.writeString(dir.resolve("wrong-password"), "not-the-password");
        TestCa other = TestCa.create(Files.createDirectories(dir.resolve("other-ca")));
        Files.copy(other.certificatePem(), dir.resolve("wrong-ca.pem"));
        installTemplates();
    }

    @Test
    void everyCheckPassesWithTheRightSettingsAndNothingIsConsumed() throws Exception {
        CheckRun r = check(config(Map.of()));
        assertThat(r.exit()).as(r.text()).isZero();
        assertThat(r.status("kafka.authentication")).isEqualTo("ok");
        // The shared secured broker is a single one: replication 1 is a warning, not a failure.
        assertThat(r.status("kafka.topic")).isIn("ok", "warn");
        assertThat(r.status("kafka.dlq_topic")).isIn("ok", "warn");
        assertThat(r.status("kafka.group")).isEqualTo("ok");
        assertThat(r.status("elasticsearch.connection")).isEqualTo("ok");
        assertThat(r.status("elasticsearch.authentication")).isEqualTo("ok");
        assertThat(r.status("elasticsearch.privileges")).isEqualTo("ok");
        assertThat(r.status("elasticsearch.templates")).isEqualTo("ok");
        try (var admin = kafka.admin()) {
            assertThat(admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get()).isEmpty();
        }
        assertThat(r.text()).doesNotContain("right-password");
    }

    @Test
    void aWrongKafkaPasswordFailsAuthenticationNamingThePasswordFile() throws Exception {
        CheckRun r = check(config(Map.of("kafka-password", "wrong-password")));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.status("kafka.connection")).isEqualTo("ok");
        assertThat(r.status("kafka.authentication")).isEqualTo("failed");
        assertThat(r.key("kafka.authentication")).isEqualTo("kafka.security.password_file");
        assertThat(r.status("kafka.topic")).isEqualTo("skipped");
        assertThat(r.text()).doesNotContain("not-the-password");
    }

    @Test
    void aWrongElasticsearchPasswordFailsAuthenticationNamingThePasswordFile() throws Exception {
        CheckRun r = check(config(Map.of("es-password", "wrong-password")));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.status("elasticsearch.connection")).isEqualTo("ok");
        assertThat(r.status("elasticsearch.authentication")).isEqualTo("failed");
        assertThat(r.key("elasticsearch.authentication")).isEqualTo("elasticsearch.password_file");
        assertThat(r.status("elasticsearch.templates")).isEqualTo("skipped");
    }

    @Test
    void aWrongKafkaCaFailsTheHandshakeNamingTheCaFile() throws Exception {
        CheckRun r = check(config(Map.of("kafka-ca", "wrong-ca.pem")));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.status("kafka.authentication")).isEqualTo("failed");
        assertThat(r.key("kafka.authentication")).isEqualTo("kafka.security.ca_file");
    }

    @Test
    void aWrongElasticsearchCaFailsTheConnectionNamingTheCaFile() throws Exception {
        CheckRun r = check(config(Map.of("es-ca", "wrong-ca.pem")));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.status("elasticsearch.connection")).isEqualTo("failed");
        assertThat(r.key("elasticsearch.connection")).isEqualTo("elasticsearch.ca_file");
        assertThat(r.status("elasticsearch.authentication")).isEqualTo("skipped");
    }

    @Test
    void aMissingGroupAclFailsTheGroupCheckWithTheGrantToAdd() throws Exception {
        String user = "check-no-group-" + RUN;
        kafka.addUser(user, "right-password");
        kafka.allow(user, new ResourcePattern(ResourceType.TOPIC, TOPIC, PatternType.LITERAL), AclOperation.READ);
        kafka.allow(user, new ResourcePattern(ResourceType.TOPIC, DLQ, PatternType.LITERAL), AclOperation.WRITE);
        CheckRun r = check(config(Map.of("kafka-user", user)));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.status("kafka.topic")).isIn("ok", "warn");
        assertThat(r.status("kafka.group")).isEqualTo("failed");
        assertThat(r.detail("kafka.group") + r.fix("kafka.group"))
                .contains(GROUP);
    }

    @Test
    void aMissingTemplateFailsTheTemplatesCheckWhenTheIndexerDoesNotInstallThem() throws Exception {
        es.request("DELETE", "/_index_template/fabstir-logs", null);
        try {
            CheckRun r = check(config(Map.of()));
            assertThat(r.exit()).as(r.text()).isEqualTo(1);
            assertThat(r.status("elasticsearch.templates")).isEqualTo("failed");
            assertThat(r.detail("elasticsearch.templates")).contains("missing: fabstir-logs");
            assertThat(r.key("elasticsearch.templates")).isEqualTo("indexer.install_templates");
        } finally {
            installTemplates();
        }
    }

    @Test
    void textOutputIsOneLinePerCheckThenTheSummary() throws Exception {
        CheckRun r = CheckRun.text("index", "--config", config(Map.of("kafka-password", "wrong-password")).toString());
        List<String> lines = r.text().lines().toList();
        assertThat(lines.get(0)).startsWith("ok      config");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("failed  kafka.authentication")
                .contains("[key: kafka.security.password_file]"));
        assertThat(lines.get(lines.size() - 1)).startsWith("check index: FAILED (");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    /** The templates as an admin installs them (restores what the missing-template test removes). */
    private static void installTemplates() throws Exception {
        Files.writeString(dir.resolve("elastic-password"), es.elasticPassword());
        ElasticsearchAccess admin = ElasticsearchAccess.read(ConfigSource.of(Map.of(
                "elasticsearch.hosts", es.url(), "elasticsearch.ca_file", es.caPem().toString(),
                "elasticsearch.username", "elastic", "elasticsearch.password_file",
                dir.resolve("elastic-password").toString()), Map.of()), es.url());
        try (EsConnection c = EsConnection.builder().access(admin).build()) {
            TemplateInstaller.builder().client(c.client()).replicas(0).build().install();
        }
    }

    /** The indexer's YAML; {@code overrides}: kafka-password, es-password, kafka-ca, es-ca (file names in dir), kafka-user. */
    private static Path config(Map<String, String> overrides) throws Exception {
        String yaml = String.join("\n",
                "kafka:",
                "  bootstrap_servers: " + kafka.bootstrapServers(),
                "  topic: " + TOPIC,
                "  dlq_topic: " + DLQ,
                "  group_id: " + GROUP,
                "  security:",
                "    username: " + overrides.getOrDefault("kafka-user", KAFKA_USER),
                "    password_file: " + dir.resolve(overrides.getOrDefault("kafka-password", "kafka-password")),
                "    ca_file: " + (overrides.containsKey("kafka-ca") ? dir.resolve(overrides.get("kafka-ca"))
                        : kafka.caPem()),
                "elasticsearch:",
                "  hosts: " + es.url(),
                "  ca_file: " + (overrides.containsKey("es-ca") ? dir.resolve(overrides.get("es-ca")) : es.caPem()),
                "  username: " + ES_USER,
                "  password_file: " + dir.resolve(overrides.getOrDefault("es-password", "es-password")),
                "  index_pattern: checklogs-" + RUN + "-{yyyy.MM.dd}",
                "  dlq_index_pattern: checklogs-dlq-" + RUN + "-{yyyy.MM.dd}",
                "  replicas: 0",
                "indexer:",
                "  install_templates: false",
                "");
        Path f = Files.createTempFile(dir, "index-", ".yaml");
        Files.writeString(f, yaml);
        return f;
    }

    private static CheckRun check(Path config) {
        return CheckRun.json("index", "--config", config.toString());
    }
}
