package io.fabstir.shipper.cli;

import io.fabstir.localservices.SecureKafka;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.CheckRun;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fabstir-shipper check tail} against the real secured broker (SASL_SSL with SCRAM, ACLs): with the right
 * settings every check passes and nothing is written; a wrong password, a missing WRITE ACL and a log file the
 * edge's user cannot read each fail their own line, naming the setting to fix, and the exit code is 1.
 */
@Tag("integration")
class TailCheckTest {
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    private static final String TOPIC = "check.tail." + RUN;
    private static final String USER = "check-edge-" + RUN;
    /** A user who may only describe the topic: authenticated, but without WRITE. */
    private static final String DESCRIBE_ONLY = "check-edge-ro-" + RUN;
    private static SecureKafka kafka;
    /** Readable by an unprivileged user: the unreadable-file test runs the check as one when this JVM is root. */
    private static Path dir;

    @BeforeAll
    static void services() throws Exception {
        kafka = SharedServices.secureKafka().security();
        try (var admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        kafka.addUser(USER, "right-password");
        kafka.allow(USER, new ResourcePattern(ResourceType.TOPIC, TOPIC, PatternType.LITERAL), AclOperation.WRITE);
        kafka.addUser(DESCRIBE_ONLY, "right-password");
        kafka.allow(DESCRIBE_ONLY, new ResourcePattern(ResourceType.TOPIC, TOPIC, PatternType.LITERAL),
                AclOperation.DESCRIBE);
        // Under the system's temp folder, not target/: the unprivileged check must reach it whatever the checkout's
        // parents allow (a CI clone under /root is closed to others).
        dir = Files.createTempDirectory("tail-check-");
        open(dir, "rwxr-xr-x");
        Path target = Path.of(TailCheckTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .getParent();
        Path jar = target.resolve("fabstir-shipper-edge.jar"); // packaged before the integration tests run
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the integration tests through mvn verify");
        }
        Files.copy(jar, dir.resolve(jar.getFileName()));
        open(dir.resolve(jar.getFileName()), "rw-r--r--");
        Files.createDirectories(dir.resolve("logs"));
        open(dir.resolve("logs"), "rwxr-xr-x");
        Files.writeString(dir.resolve("logs").resolve("app.json"), "{\"message\":\"hello\"}\n");
        open(dir.resolve("logs").resolve("app.json"), "rw-r--r--");
        Files.createDirectories(dir.resolve("state"));
        open(dir.resolve("state"), "rwxrwxrwx");
        Files.writeString(dir.resolve("kafka-password"), "right-password");
        Files.writeString(dir.resolve("wrong-password"), "not-the-password");
        Files.copy(kafka.caPem(), dir.resolve("kafka-ca.pem"));
        for (String f : List.of("kafka-password", "wrong-password", "kafka-ca.pem")) {
            open(dir.resolve(f), "rw-r--r--");
        }
    }

    @Test
    void everyCheckPassesWithTheRightSettingsAndNothingIsWritten() throws Exception {
        CheckRun r = check(config(Map.of()));
        assertThat(r.exit()).as(r.text()).isZero();
        assertThat(r.status("config")).isEqualTo("ok");
        assertThat(r.status("paths " + dir.resolve("logs") + "/*.json")).isEqualTo("ok");
        assertThat(r.status("checkpoint_file")).isEqualTo("ok");
        assertThat(r.status("kafka.producer")).isEqualTo("ok");
        assertThat(r.status("kafka.connection")).isEqualTo("ok");
        assertThat(r.status("kafka.authentication")).isEqualTo("ok");
        // The shared secured broker is a single one: replication 1 is a warning, not a failure.
        assertThat(r.status("kafka.topic")).isIn("ok", "warn");
        assertThat(r.detail("kafka.topic")).contains("User:" + USER + " may WRITE");
        try (var admin = kafka.admin()) {
            TopicPartition p = new TopicPartition(TOPIC, 0);
            assertThat(admin.listOffsets(Map.of(p, OffsetSpec.latest())).partitionResult(p).get().offset())
                    .as("nothing written").isZero();
        }
        assertThat(Files.exists(dir.resolve("state").resolve("checkpoint.json"))).isFalse();
        assertThat(r.text()).doesNotContain("right-password");
    }

    @Test
    void aWrongPasswordFailsAuthenticationNamingThePasswordFile() throws Exception {
        CheckRun r = check(config(Map.of("password_file", dir.resolve("wrong-password").toString())));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.status("kafka.connection")).isEqualTo("ok");
        assertThat(r.status("kafka.authentication")).isEqualTo("failed");
        assertThat(r.key("kafka.authentication")).isEqualTo("kafka.security.password_file");
        assertThat(r.status("kafka.topic")).isEqualTo("skipped");
        assertThat(r.text()).doesNotContain("not-the-password");
    }

    @Test
    void aMissingWriteAclFailsTheTopicCheckWithTheGrantToAdd() throws Exception {
        CheckRun r = check(config(Map.of("username", DESCRIBE_ONLY)));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.status("kafka.authentication")).isEqualTo("ok");
        assertThat(r.status("kafka.topic")).isEqualTo("failed");
        assertThat(r.key("kafka.topic")).isEqualTo("kafka.topic");
        assertThat(r.detail("kafka.topic")).contains("User:" + DESCRIBE_ONLY + " may not WRITE topic " + TOPIC);
        assertThat(r.fix("kafka.topic")).contains("--allow-principal User:" + DESCRIBE_ONLY, "--operation Write",
                "--topic " + TOPIC);
    }

    @Test
    void aUserWithoutAnyAclOnTheTopicFailsTheTopicCheck() throws Exception {
        String stranger = "check-edge-none-" + RUN;
        kafka.addUser(stranger, "right-password");
        CheckRun r = check(config(Map.of("username", stranger)));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.status("kafka.authentication")).isEqualTo("ok");
        assertThat(r.status("kafka.topic")).isEqualTo("failed");
        assertThat(r.detail("kafka.topic")).contains("User:" + stranger + " may not even describe topic " + TOPIC);
        assertThat(r.fix("kafka.topic")).contains("--allow-principal User:" + stranger, "--operation Write",
                "--topic " + TOPIC);
    }

    @Test
    void aLogFileTheEdgeCannotReadFailsThePathsCheckNamingPaths() throws Exception {
        Path secret = Files.createDirectories(dir.resolve("other-logs"));
        open(secret, "rwxr-xr-x");
        Files.writeString(secret.resolve("readable.json"), "{}\n");
        open(secret.resolve("readable.json"), "rw-r--r--");
        Files.writeString(secret.resolve("private.json"), "{}\n");
        open(secret.resolve("private.json"), "rw-------");
        Path config = config(Map.of("paths", "[" + dir.resolve("logs") + "/*.json, " + secret + "/*.json]"));
        CheckRun r = checkAsUnprivilegedUser(config);
        assertThat(r.exit()).as(r.text()).isEqualTo(1);
        assertThat(r.status("paths " + dir.resolve("logs") + "/*.json")).isEqualTo("ok");
        String name = "paths " + secret + "/*.json";
        assertThat(r.status(name)).isEqualTo("failed");
        assertThat(r.key(name)).isEqualTo("paths");
        assertThat(r.detail(name)).contains("1 of 2 files are not readable", "private.json")
                .doesNotContain("readable.json");
        assertThat(r.fix(name)).contains("read access");
        assertThat(r.status("kafka.topic")).as("the other checks pass").isIn("ok", "warn");
    }

    @Test
    void aCredentialOverPlaintextIsRefusedUnlessTheFlagAllowsIt() {
        List<String> args = new ArrayList<>(List.of("tail", "--node-id", "n", "--path", dir + "/logs/*.json",
                "--checkpoint-file", dir + "/state/checkpoint.json", "--bootstrap-servers", "127.0.0.1:9",
                "--kafka-security-protocol", "SASL_PLAINTEXT", "--kafka-username", USER,
                "--kafka-password-file", dir.resolve("kafka-password").toString()));
        CheckRun refused = CheckRun.json(args.toArray(String[]::new));
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.status("config")).isEqualTo("failed");
        assertThat(refused.key("config")).isEqualTo("kafka.security.protocol");
        assertThat(refused.detail("config")).contains("kafka.security.allow_plaintext: true");

        args.addAll(List.of("--kafka-allow-plaintext", "true", "--kafka-sasl-mechanism", "SCRAM-SHA-256"));
        CheckRun allowed = CheckRun.json(args.toArray(String[]::new));
        assertThat(allowed.status("config")).as(allowed.text()).isEqualTo("ok");

        args.set(args.size() - 1, "MD5");
        CheckRun badMechanism = CheckRun.json(args.toArray(String[]::new));
        assertThat(badMechanism.key("config")).isEqualTo("kafka.security.mechanism");
    }

    @Test
    void textOutputIsOneLinePerCheckThenTheSummary() throws Exception {
        CheckRun r = CheckRun.text("tail", "--config",
                config(Map.of("password_file", dir.resolve("wrong-password").toString())).toString());
        List<String> lines = r.text().lines().toList();
        assertThat(lines.get(0)).startsWith("ok      config");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("failed  kafka.authentication")
                .contains("[key: kafka.security.password_file]"));
        assertThat(lines.get(lines.size() - 1)).startsWith("check tail: FAILED (");
        assertThat(r.exit()).isEqualTo(1);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static CheckRun check(Path config) {
        return CheckRun.json("tail", "--config", config.toString());
    }

    /**
     * The check in a child JVM (the packaged edge jar) as an unprivileged user ({@code nobody}) when this JVM is
     * root, for whom every file is readable; as this user otherwise.
     */
    private static CheckRun checkAsUnprivilegedUser(Path config) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            cmd.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"));
        }
        // The packaged edge jar, copied beside the config: the build's class path (the Maven repository under a
        // home folder) is not readable by that user.
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-jar", dir.resolve("fabstir-shipper-edge.jar").toString(),
                "check", "tail", "--config", config.toString(), "--json"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("check did not finish: " + out);
        }
        return CheckRun.parse(p.exitValue(), out);
    }

    /** The edge's YAML; {@code overrides}: paths (a YAML list), username, password_file. */
    private static Path config(Map<String, String> overrides) throws IOException {
        String yaml = String.join("\n",
                "node_id: node-check",
                "paths: " + overrides.getOrDefault("paths", "[" + dir.resolve("logs") + "/*.json]"),
                "checkpoint_file: " + dir.resolve("state").resolve("checkpoint.json"),
                "kafka:",
                "  bootstrap_servers: " + kafka.bootstrapServers(),
                "  topic: " + TOPIC,
                "  security:",
                "    username: " + overrides.getOrDefault("username", USER),
                "    password_file: " + overrides.getOrDefault("password_file", dir.resolve("kafka-password").toString()),
                "    ca_file: " + dir.resolve("kafka-ca.pem"),
                "");
        Path f = Files.createTempFile(dir, "edge-", ".yaml");
        Files.writeString(f, yaml);
        open(f, "rw-r--r--");
        return f;
    }

    private static void open(Path p, String mode) throws IOException {
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }
}
