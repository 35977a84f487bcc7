package io.fabstir.shipper.cli;

import io.fabstir.localservices.SecureElasticsearch;
import io.fabstir.localservices.SecureKafka;
import io.fabstir.localservices.SharedServices;
import io.fabstir.localservices.tls.TestCa;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.shipper.sink.elasticsearch.Roles;
import io.fabstir.templates.TemplateInstaller;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code fabstir-shipper index} against a secured Kafka (SCRAM-SHA-512 over TLS, ACLs) and a secured Elasticsearch
 * (HTTPS, API keys), with exactly the documented least-privilege role ({@link Roles#INDEXER}). A key without a
 * privilege, a revoked or expired key, a wrong CA or password each stop it at start naming the setting; a key
 * revoked while it runs loses nothing: the records wait in Kafka and are indexed once a good key is given.
 */
@Tag("integration")
class SecuredIndexerTest {
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    private static final String USER = "indexer-" + RUN;
    private static final String PREFIX = "it.sec." + RUN + ".";
    private static final String DLQ = "it.secdlq." + RUN;
    private static final String NODE = "node-a";
    @TempDir
    static Path dir;
    private static SecureKafka kafka;
    private static SecureElasticsearch es;
    private static EsProbe probe;
    private static Path kafkaPassword;
    private static KafkaProducer<String, String> producer;
    private static int topics;

    @BeforeAll
    static void services() throws Exception {
        kafka = SharedServices.secureKafka().security();
        es = SharedServices.secureElasticsearch().security();
        probe = EsProbe.of(es);
        TemplateInstaller.builder().client(probe.client()).replicas(0).build().install();
        kafka.addUser(USER, "pw-" + RUN);
        kafkaPassword = Files.writeString(dir.resolve("kafka.password"), "pw-" + RUN + "\n");
        // The indexer's ACLs, as docs/security.md gives them: read every test topic and its groups, write the DLQ.
        kafka.allow(USER, new ResourcePattern(ResourceType.TOPIC, PREFIX, PatternType.PREFIXED), AclOperation.READ);
        kafka.allow(USER, new ResourcePattern(ResourceType.GROUP, "g-sec-" + RUN, PatternType.PREFIXED), AclOperation.READ);
        kafka.allow(USER, new ResourcePattern(ResourceType.TOPIC, DLQ, PatternType.LITERAL), AclOperation.WRITE);
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(DLQ, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        producer = new KafkaProducer<>(kafka.adminProperties(), new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void close() throws Exception {
        if (producer != null) {
            producer.close();
        }
        if (probe != null) {
            probe.close();
        }
    }

    @Test
    void indexesOverScramAndHttpsWithExactlyTheDocumentedRole() throws Exception {
        String test = newNodeTopic();
        send(test, 5, "role");
        send(test, "{\"@timestamp\":\"" + Instant.now() + "\",\"event.id\":\"role-0\",\"message\":\"reused id\"}");
        Path key = apiKey(Roles.INDEXER.descriptors(), null);
        Running index = start(test, key, "role");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> committed("g-sec-" + RUN + "-" + test) == 6);
            assertThat(probe.count(indices(test))).isEqualTo(6);
            // The reused event id was told apart by reading back the stored record's hash: `read` is in the role.
            assertThat(probe.hits(indices(test), 10)).anySatisfy(h -> assertThat(EsProbe.field(h.source(),
                    "fabstir.flags")).isEqualTo(List.of("reused_event_id")));
            assertThat(probe.hits(indices(test), 10)).allSatisfy(h -> assertThat(EsProbe.field(h.source(),
                    "fabstir.node_id")).isEqualTo(NODE));
        } finally {
            index.stop();
        }
    }

    @Test
    void aKeyWithoutAPrivilegeStopsAtStartNamingItAndTheRecordsAreIndexedOnceItIsFixed() throws Exception {
        String test = newNodeTopic();
        send(test, 4, "priv");
        // The documented role without `read`.
        Path weak = apiKey(Roles.INDEXER.descriptors().replace(", \"read\"", ""), null);
        Result r = runToExit(test, weak, "priv", List.of());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("elasticsearch.api_key_file").contains("lacks read on");
        assertThat(committed("g-sec-" + RUN + "-" + test)).isZero();

        Running index = start(test, apiKey(Roles.INDEXER.descriptors(), null), "priv");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> probe.count(indices(test)) == 4);
        } finally {
            index.stop();
        }
    }

    @Test
    void aRevokedOrExpiredKeyAWrongCaOrAWrongPasswordEachStopAtStartNamingTheSetting() throws Exception {
        String test = newNodeTopic();
        send(test, 2, "bad");
        Path revoked = apiKey(Roles.INDEXER.descriptors(), null);
        es.invalidateApiKey(Files.readString(dir.resolve(revoked.getFileName() + ".id")));
        assertThat(runToExit(test, revoked, "bad", List.of()))
                .satisfies(r -> assertThat(r.code).isEqualTo(2))
                .satisfies(r -> assertThat(r.err).contains("elasticsearch.api_key_file").contains("401")
                        .contains("expired or revoked"));

        Path expiring = apiKey(Roles.INDEXER.descriptors(), Duration.ofSeconds(1));
        Thread.sleep(1500);
        assertThat(runToExit(test, expiring, "bad", List.of()).err).contains("elasticsearch.api_key_file")
                .contains("401");

        Path good = apiKey(Roles.INDEXER.descriptors(), null);
        Path otherCa = TestCa.create(dir.resolve("other-ca"), "Other CA").certificatePem();
        Result wrongCa = runToExit(test, good, "bad", List.of("--es-ca-file", otherCa.toString()));
        assertThat(wrongCa.code).isEqualTo(2);
        assertThat(wrongCa.err).contains("elasticsearch.ca_file").contains(otherCa.toString());

        Path wrongPassword = Files.writeString(dir.resolve("wrong.password"), "nope");
        Result kafkaRefused = runToExit(test, good, "bad", List.of("--kafka-password-file", wrongPassword.toString()));
        assertThat(kafkaRefused.code).isEqualTo(2);
        assertThat(kafkaRefused.err).contains("kafka.security.password_file").contains("User:" + USER);
        Result kafkaWrongCa = runToExit(test, good, "bad", List.of("--kafka-ca-file", otherCa.toString()));
        assertThat(kafkaWrongCa.err).contains("kafka.security.ca_file");
        assertThat(committed("g-sec-" + RUN + "-" + test)).isZero();
        assertThat(probe.count(indices(test))).isLessThanOrEqualTo(0); // -1: no index was even created
    }

    @Test
    void aKeyRevokedWhileRunningLosesNothingTheRecordsWaitInKafkaUntilANewKeyIsGiven() throws Exception {
        String test = newNodeTopic();
        String group = "g-sec-" + RUN + "-" + test;
        send(test, 5, "live");
        Path key = apiKey(Roles.INDEXER.descriptors(), null);
        Running index = start(test, key, "live");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> committed(group) == 5);
            es.invalidateApiKey(Files.readString(dir.resolve(key.getFileName() + ".id")));
            send(test, 5, "live-after");
            Thread.sleep(3000); // the bulk is refused with 401 and retried meanwhile
            assertThat(committed(group)).isEqualTo(5);
            assertThat(probe.count(indices(test))).isEqualTo(5);
            assertThat(probe.count("fabstir-logs-dlq-sec" + RUN + test + "-*")).isLessThanOrEqualTo(0);
        } finally {
            index.stop();
        }
        Running fixed = start(test, apiKey(Roles.INDEXER.descriptors(), null), "live");
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> committed(group) == 10);
            assertThat(probe.count(indices(test))).isEqualTo(10);
        } finally {
            fixed.stop();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private record Result(int code, String err) {
    }

    private static final class Running {
        final IndexCommand command;
        final CompletableFuture<Integer> exit;

        Running(IndexCommand command, CompletableFuture<Integer> exit) {
            this.command = command;
            this.exit = exit;
        }

        void stop() throws Exception {
            command.stop();
            assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
        }
    }

    /** A test's own node topics {@code <PREFIX>t<n>.<node id>} with one node, node-a: returns {@code t<n>}. */
    private static String newNodeTopic() throws Exception {
        String test = "t" + (++topics);
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(PREFIX + test + "." + NODE, 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        return test;
    }

    private static String indices(String test) {
        return "fabstir-logs-sec" + RUN + test + "-*";
    }

    private static void send(String test, int n, String tag) throws Exception {
        for (int i = 0; i < n; i++) {
            send(test, "{\"@timestamp\":\"" + Instant.now() + "\",\"event.id\":\"" + tag + "-" + i
                    + "\",\"message\":\"m" + i + "\",\"fabstir.node_id\":\"" + NODE + "\"}");
        }
    }

    private static void send(String test, String value) throws Exception {
        producer.send(new ProducerRecord<>(PREFIX + test + "." + NODE, NODE, value)).get(30, TimeUnit.SECONDS);
    }

    /** An API key limited to {@code descriptors}, in a file (its id beside it, for revoking). */
    private static Path apiKey(String descriptors, Duration expiration) throws Exception {
        SecureElasticsearch.ApiKey key = expiration == null ? es.createApiKey("indexer-" + System.nanoTime(), descriptors)
                : es.createApiKey("indexer-" + System.nanoTime(), descriptors, expiration);
        Path file = dir.resolve("key-" + key.id());
        Files.writeString(file, key.encoded());
        Files.writeString(dir.resolve(file.getFileName() + ".id"), key.id());
        return file;
    }

    private static List<String> args(String test, Path apiKey, String tag, List<String> extra) {
        Map<String, String> flags = new HashMap<>(Map.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--kafka-username", USER,
                "--kafka-password-file", kafkaPassword.toString(),
                "--kafka-ca-file", kafka.caPem().toString(),
                "--es-hosts", es.url(),
                "--es-api-key-file", apiKey.toString(),
                "--es-ca-file", es.caPem().toString()));
        for (int i = 0; i < extra.size(); i += 2) {
            flags.put(extra.get(i), extra.get(i + 1));
        }
        List<String> args = new ArrayList<>(List.of("--node-topic-prefix", PREFIX + test + ".",
                "--dlq-topic", DLQ, "--group-id", "g-sec-" + RUN + "-" + test,
                "--index-pattern", "fabstir-logs-sec" + RUN + test + "-{yyyy.MM.dd}",
                "--dlq-index-pattern", "fabstir-logs-dlq-sec" + RUN + test + "-{yyyy.MM.dd}",
                "--install-templates", "false", "--replicas", "0",
                "--bulk-flush-interval", "50ms", "--kafka-property", "metadata.max.age.ms=1000"));
        flags.forEach((k, v) -> {
            args.add(k);
            args.add(v);
        });
        return args;
    }

    private static Result runToExit(String test, Path apiKey, String tag, List<String> extra) {
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new IndexCommand()).setErr(new PrintWriter(err, true));
        int code = cl.execute(args(test, apiKey, tag, extra).toArray(String[]::new));
        return new Result(code, err.toString());
    }

    private static Running start(String test, Path apiKey, String tag) {
        IndexCommand cmd = new IndexCommand();
        CommandLine cl = new CommandLine(cmd);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() ->
                cl.execute(args(test, apiKey, tag, List.of()).toArray(String[]::new)));
        return new Running(cmd, exit);
    }

    private static long committed(String group) throws Exception {
        try (Admin admin = kafka.admin()) {
            Map<TopicPartition, OffsetAndMetadata> c = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            return c.values().stream().filter(java.util.Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
        }
    }
}
