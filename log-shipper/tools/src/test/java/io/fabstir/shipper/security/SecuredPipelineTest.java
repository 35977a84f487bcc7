package io.fabstir.shipper.security;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.localservices.SecureElasticsearch;
import io.fabstir.localservices.SecureKafka;
import io.fabstir.localservices.SharedServices;
import io.fabstir.localservices.tls.IssuedCertificate;
import io.fabstir.shipper.cli.FabstirShipper;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.shipper.harness.ShipperProcess;
import io.fabstir.shipper.sink.elasticsearch.Roles;
import io.fabstir.shipper.sink.loki.LokiReceiver;
import io.fabstir.templates.TemplateInstaller;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The whole pipeline secured, every part a child JVM as an operator runs it: two nodes' files → {@code tail} (each
 * its own SCRAM user over TLS, writing only its own topic) → Kafka with ACLs → {@code index} (SCRAM over TLS; an API
 * key with exactly the documented indexer role, over HTTPS) → Elasticsearch, and {@code index --sink loki} → a Loki
 * receiver over TLS with a bearer token.
 *
 * <p>Node A also tries to pass as node B: its principal is refused B's topic, and its lines claiming B's
 * {@code fabstir.node_id} and B's {@code event.id}s, and a contract event, are stored as A's, flagged and counted;
 * every one of B's records is stored as B's.
 */
@Tag("integration")
class SecuredPipelineTest {
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    private static final String PREFIX = "it.spl." + RUN + ".";
    private static final String DLQ = "it.spldlq." + RUN;
    private static final String INDEXER = "indexer-spl-" + RUN;
    private static final String INDICES = "fabstir-logs-spl" + RUN + "-*";
    private static final int OWN = 30;
    private static final int SPOOFED = 20;
    private static final int OF_B = 20;
    private static final int TOTAL = OWN + SPOOFED + 1 + OF_B;
    @TempDir
    static Path dir;
    private static SecureKafka kafka;
    private static SecureElasticsearch es;
    private static EsProbe probe;
    private static LokiReceiver loki;
    private static final List<ShipperProcess> processes = new ArrayList<>();
    private static final Map<String, JsonNode> byMessage = new HashMap<>();
    private static int metricsPort;
    private static String token;

    @BeforeAll
    static void runTheSecuredPipeline() throws Exception {
        kafka = SharedServices.secureKafka().security();
        es = SharedServices.secureElasticsearch().security();
        probe = EsProbe.of(es);
        // Templates go in with an admin credential, never the indexer's.
        TemplateInstaller.builder().client(probe.client()).replicas(0).build().install();
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(PREFIX + "node-a", 1, (short) 1),
                    new NewTopic(PREFIX + "node-b", 1, (short) 1), new NewTopic(DLQ, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        // The ACLs of docs/security.md: each node WRITE on its own topic (LITERAL), the indexer READ on the node
        // topics and its groups, WRITE on the DLQ.
        for (String node : List.of("node-a", "node-b")) {
            kafka.addUser(user(node), "pw-" + node + RUN);
            kafka.allow(user(node), new ResourcePattern(ResourceType.TOPIC, PREFIX + node, PatternType.LITERAL),
                    AclOperation.WRITE);
        }
        kafka.addUser(INDEXER, "pw-indexer" + RUN);
        kafka.allow(INDEXER, new ResourcePattern(ResourceType.TOPIC, PREFIX, PatternType.PREFIXED), AclOperation.READ);
        kafka.allow(INDEXER, new ResourcePattern(ResourceType.GROUP, "g-spl-" + RUN, PatternType.PREFIXED),
                AclOperation.READ);
        kafka.allow(INDEXER, new ResourcePattern(ResourceType.TOPIC, DLQ, PatternType.LITERAL), AclOperation.WRITE);

        Instant t = Instant.now();
        List<String> a = new ArrayList<>();
        for (int i = 0; i < OWN; i++) {
            a.add(line(t, "a-" + i, "a's own " + i, null, "fabstir.job"));
        }
        for (int i = 0; i < SPOOFED; i++) {
            a.add(line(t, "b-" + i, "a passing as b " + i, "node-b", "fabstir.audit"));
        }
        a.add(line(t, "c-1", "a's fake contract event", null, "fabstir.contract"));
        List<String> b = new ArrayList<>();
        for (int i = 0; i < OF_B; i++) {
            b.add(line(t, "b-" + i, "b's own " + i, null, "fabstir.job"));
        }
        for (String node : List.of("node-a", "node-b")) {
            Path logs = Files.createDirectories(dir.resolve(node));
            Files.write(logs.resolve("app.json"), node.equals("node-a") ? a : b);
            List<String> args = new ArrayList<>(ShipperProcess.tailArgs(node, node + ".host", kafka.bootstrapServers(),
                    PREFIX + node, dir.resolve(node + ".checkpoint"), List.of(logs + "/*.json")));
            args.addAll(kafkaCredentials(user(node)));
            processes.add(ShipperProcess.builder("tail-" + node).args(args).log(dir.resolve("tail-" + node + ".log"))
                    .start());
        }

        SecureElasticsearch.ApiKey key = es.createApiKey("indexer-" + RUN, Roles.INDEXER.descriptors());
        Path keyFile = Files.writeString(dir.resolve("es.key"), key.encoded());
        metricsPort = freePort();
        List<String> index = new ArrayList<>(List.of("index", "--bootstrap-servers", kafka.bootstrapServers(),
                "--node-topic-prefix", PREFIX, "--dlq-topic", DLQ,
                "--group-id", "g-spl-" + RUN + "-es", "--index-pattern", "fabstir-logs-spl" + RUN + "-{yyyy.MM.dd}",
                "--dlq-index-pattern", "fabstir-logs-dlq-spl" + RUN + "-{yyyy.MM.dd}", "--install-templates", "false",
                "--replicas", "0", "--bulk-flush-interval", "50ms", "--metrics-port", Integer.toString(metricsPort),
                "--es-hosts", es.url(), "--es-api-key-file", keyFile.toString(), "--es-ca-file", es.caPem().toString()));
        index.addAll(kafkaCredentials(INDEXER));
        processes.add(ShipperProcess.builder("index-es").heap("256m").args(index).log(dir.resolve("index-es.log"))
                .start());

        loki = LokiReceiver.openTls(serverTls(SharedServices.testCa().server("localhost")));
        token = "loki-token-" + RUN;
        Path tokenFile = Files.writeString(dir.resolve("loki.token"), token);
        Path lokiYaml = Files.writeString(dir.resolve("loki.yaml"), "loki:\n  url: " + loki.url() + "\n"
                + "  batch: {linger_ms: 100}\n  auth:\n    bearer: {token_file: " + tokenFile + "}\n"
                + "  tls: {ca_file: " + SharedServices.testCa().certificatePem() + "}\n");
        List<String> lokiArgs = new ArrayList<>(List.of("index", "--sink", "loki", "--config", lokiYaml.toString(),
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--node-topic-prefix", PREFIX, "--dlq-topic", DLQ, "--group-id", "g-spl-" + RUN + "-loki"));
        lokiArgs.addAll(kafkaCredentials(INDEXER));
        processes.add(ShipperProcess.builder("index-loki").args(lokiArgs).log(dir.resolve("index-loki.log")).start());

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            processes.forEach(p -> assertThat(p.alive()).as("%s alive: %s", p, p.logTail(40)).isTrue());
            assertThat(probe.count(INDICES)).isEqualTo(TOTAL);
            assertThat(loki.accepted()).hasSize(TOTAL);
        });
        probe.scan(INDICES, d -> byMessage.put(d.source().path("message").asText(), d.source()));
    }

    @AfterAll
    static void stop() throws Exception {
        for (ShipperProcess p : processes) {
            p.close();
        }
        if (loki != null) {
            loki.close();
        }
        if (probe != null) {
            probe.close();
        }
    }

    @Test
    void everyRecordTravelsAuthenticatedAndEncryptedToElasticsearchAndLoki() {
        assertThat(byMessage).hasSize(TOTAL);
        for (int i = 0; i < OWN; i++) {
            JsonNode d = byMessage.get("a's own " + i);
            assertThat(d.path("fabstir.node_id").asText()).isEqualTo("node-a");
            assertThat(d.has("fabstir.flags")).isFalse();
            assertThat(d.path("fabstir.content_hash").asText()).hasSize(32);
        }
        assertThat(loki.authorizations()).isNotEmpty().allSatisfy(h -> assertThat(h).isEqualTo("Bearer " + token));
        assertThat(loki.url().getScheme()).isEqualTo("https");
        assertThat(loki.accepted()).allSatisfy(e -> assertThat(e.labels().get("node_id")).isIn("node-a", "node-b"));
    }

    @Test
    void nodeAsPrincipalIsRefusedNodeBsTopic() throws Exception {
        Map<String, Object> asA = new HashMap<>(kafka.clientProperties(user("node-a")));
        asA.put("max.block.ms", 10_000);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(asA, new StringSerializer(), new StringSerializer())) {
            assertThatThrownBy(() -> p.send(new ProducerRecord<>(PREFIX + "node-b", "node-b", "{}")).get(30,
                    TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
        // And tail, pointed at it, stops at start naming the topic.
        Path pw = Files.writeString(dir.resolve("a.password"), "pw-node-a" + RUN);
        List<String> args = new ArrayList<>(List.of("tail", "--node-id", "node-a", "--path", dir + "/none/*.json",
                "--checkpoint-file", dir.resolve("a-spoof.checkpoint").toString(),
                "--bootstrap-servers", kafka.bootstrapServers(), "--topic", PREFIX + "node-b",
                "--kafka-username", user("node-a"), "--kafka-password-file", pw.toString(),
                "--kafka-ca-file", kafka.caPem().toString()));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true));
        try {
            assertThat(FabstirShipper.commandLine().execute(args.toArray(String[]::new))).isEqualTo(2);
        } finally {
            System.setErr(old);
        }
        assertThat(err.toString()).contains("kafka.topic").contains(PREFIX + "node-b");
    }

    @Test
    void nodeAsClaimsToBeNodeBAreStoredAsNodeAFlaggedAndCounted() throws Exception {
        for (int i = 0; i < SPOOFED; i++) {
            JsonNode d = byMessage.get("a passing as b " + i);
            assertThat(d.path("fabstir.node_id").asText()).isEqualTo("node-a");
            assertThat(d.path("fabstir.claimed_node_id").asText()).isEqualTo("node-b");
            assertThat(d.path("fabstir.flags").toString()).isEqualTo("[\"claimed_other_node\"]");
            assertThat(d.path("event.id").asText()).isEqualTo("b-" + i);
        }
        JsonNode contract = byMessage.get("a's fake contract event");
        assertThat(contract.path("event.dataset").asText()).isEqualTo("fabstir.app");
        assertThat(contract.path("fabstir.claimed_dataset").asText()).isEqualTo("fabstir.contract");
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + metricsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("fabstir_indexer_node_id_claims_total{node_id=\"node-a\",sink=\"elasticsearch\"} "
                + SPOOFED + ".0");
        assertThat(metrics).contains("fabstir_indexer_contract_claims_total{node_id=\"node-a\",sink=\"elasticsearch\"} 1.0");
    }

    @Test
    void everyOneOfNodeBsRecordsIsStoredAsNodeBs() {
        for (int i = 0; i < OF_B; i++) {
            JsonNode d = byMessage.get("b's own " + i);
            assertThat(d).as("b's own %d", i).isNotNull();
            assertThat(d.path("fabstir.node_id").asText()).isEqualTo("node-b");
            assertThat(d.path("event.id").asText()).isEqualTo("b-" + i);
            assertThat(d.has("fabstir.flags")).isFalse();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static String user(String node) {
        return node + "-" + RUN;
    }

    private static String line(Instant t, String id, String message, String claimedNode, String dataset) {
        return "{\"@timestamp\":\"" + t + "\",\"log.level\":\"INFO\",\"event.id\":\"" + id + "\",\"event.dataset\":\""
                + dataset + "\",\"service.name\":\"fabstir-node\",\"message\":\"" + message + "\""
                + (claimedNode == null ? "" : ",\"fabstir.node_id\":\"" + claimedNode + "\"") + "}";
    }

    private static List<String> kafkaCredentials(String user) throws Exception {
        Path pw = Files.writeString(dir.resolve(user + ".password"), kafka.password(user));
        return List.of("--kafka-username", user, "--kafka-password-file", pw.toString(),
                "--kafka-ca-file", kafka.caPem().toString());
    }

    private static SSLContext serverTls(IssuedCertificate cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(cert.keystore())) {
            ks.load(in, cert.storePassword().toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, cert.storePassword().toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static int freePort() throws Exception {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
