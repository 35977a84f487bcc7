package io.fabstir.examples.packaging;

import io.fabstir.localservices.SecureKafka;
import io.fabstir.localservices.SharedServices;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Debian packages as an operator installs them: each {@code .deb} the build made is installed into a scratch
 * root with the real {@code dpkg --root=… --force-script-chrootless} (its maintainer scripts run against that root:
 * users and secret folders are created there), every unit passes {@code systemd-analyze verify}, every command unit
 * is hardened, the files and modes are the README's, the tarball holds the same tree, and {@code --help} and
 * {@code check} run from the installed files. Needs root (dpkg), as CI runs.
 */
@Tag("integration")
class PackagesTest {
    /** Module folder by package name. */
    private static final Map<String, String> MODULES = Map.of(
            "fabstir-shipper-edge", "log-shipper/edge", "fabstir-shipper-central", "log-shipper/central",
            "fabstir-chain-monitor", "chain-monitor", "fabstir-shipper-tools", "log-shipper/tools");

    @TempDir
    static Path root;
    @TempDir
    static Path work;

    private static Path repo;

    @BeforeAll
    static void install() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "dpkg --root needs root (CI and the build machines run as root)");
        repo = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent();
        for (String d : List.of("var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/dpkg/triggers", "etc")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.writeString(root.resolve("var/lib/dpkg/status"), "");
        Files.writeString(root.resolve("var/lib/dpkg/available"), "");
        for (String pkg : MODULES.keySet()) {
            Run r = run("dpkg", "--root=" + root, "--force-script-chrootless", "--force-depends", "-i",
                    deb(pkg).toString());
            assertThat(r.exit).as(r.out).isZero();
        }
    }

    @Test
    void everyUnitPassesSystemdAnalyzeVerify() throws Exception {
        // The base system the units refer to: systemd's own targets and slices, and /bin/kill (ExecReload).
        Path units = root.resolve("lib/systemd/system");
        List<Path> added = new ArrayList<>();
        try (Stream<Path> host = Files.list(Path.of("/lib/systemd/system"))) {
            for (Path f : host.filter(f -> f.toString().endsWith(".target") || f.toString().endsWith(".slice"))
                    .filter(Files::isRegularFile).toList()) {
                Path to = units.resolve(f.getFileName());
                if (!Files.exists(to)) {
                    Files.copy(f, to);
                    added.add(to);
                }
            }
        }
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Path.of("/bin/kill"), root.resolve("bin/kill"), StandardCopyOption.REPLACE_EXISTING);
        try {
            List<String> cmd = new ArrayList<>(List.of("systemd-analyze", "verify", "--root=" + root));
            cmd.addAll(fabstirUnits());
            Run r = run(cmd.toArray(String[]::new));
            assertThat(r.exit).as(r.out).isZero();
            assertThat(r.out).as("systemd-analyze's complaints").isBlank();
        } finally {
            for (Path p : added) {
                Files.delete(p);
            }
        }
    }

    @Test
    void everyCommandUnitRunsHardenedAsItsOwnUserAndChecksFirst() throws Exception {
        List<String> users = new ArrayList<>();
        for (String unit : fabstirUnits()) {
            if (!unit.endsWith(".service")) {
                continue;
            }
            Map<String, List<String>> u = parse(root.resolve("lib/systemd/system").resolve(unit));
            String user = one(u, "User");
            assertThat(user).as(unit).startsWith("fabstir-");
            users.add(user);
            assertThat(one(u, "NoNewPrivileges")).as(unit).isEqualTo("yes");
            assertThat(one(u, "ProtectSystem")).as(unit).isEqualTo("strict");
            assertThat(one(u, "CapabilityBoundingSet")).as(unit + ": no capabilities").isEmpty();
            assertThat(one(u, "ProtectHome")).as(unit).isEqualTo("yes");
            assertThat(one(u, "PrivateTmp")).as(unit).isEqualTo("yes");
            assertThat(u.get("ExecStartPre")).as(unit).singleElement().asString().contains(" check ");
            String start = one(u, "ExecStart");
            String check = u.get("ExecStartPre").get(0);
            assertThat(check.replace(" check ", " ")).as(unit + ": checks what it runs").isEqualTo(start);
            assertThat(start).as(unit + ": configuration and secrets under /etc/fabstir")
                    .satisfiesAnyOf(s -> assertThat(s).contains("--config /etc/fabstir/"),
                            s -> assertThat(s).contains("/etc/fabstir/secrets/" + user + "/"));
            // Write access: its own state and log folders only.
            assertThat(u.getOrDefault("ReadWritePaths", List.of())).as(unit)
                    .allSatisfy(p -> assertThat(p).startsWith("-/var/log/fabstir/"));
        }
        assertThat(users).as("one user per command").doesNotHaveDuplicates();
    }

    @Test
    void postinstCreatesEachCommandsUserAndItsPrivateSecretFolder() throws Exception {
        String passwd = Files.readString(root.resolve("etc/passwd"));
        for (String user : List.of("fabstir-tail", "fabstir-index", "fabstir-index-loki", "fabstir-templates",
                "fabstir-retention", "fabstir-chain", "fabstir-alert-bridge")) {
            Matcher m = Pattern.compile("(?m)^" + user + ":x:(\\d+):\\d+:[^:]*:[^:]*:(.*)$").matcher(passwd);
            assertThat(m.find()).as(user + " in " + passwd).isTrue();
            assertThat(m.group(2)).as(user + " logs in nowhere").endsWith("nologin");
            Path secrets = root.resolve("etc/fabstir/secrets").resolve(user);
            assertThat(Files.getAttribute(secrets, "unix:mode")).as(secrets.toString()).isEqualTo(040700);
            assertThat(Files.getAttribute(secrets, "unix:uid")).isEqualTo(Integer.parseInt(m.group(1)));
        }
    }

    @Test
    void eachPackagesFilesAndModesAreWhatTheReadmeSays() throws Exception {
        Map<String, Map<String, String>> readme = new TreeMap<>();
        Matcher m = Pattern.compile("(?m)^\\| `(fabstir-[a-z-]+)` \\| `(/[^`]+)` \\| (0\\d{3}) \\|$")
                .matcher(Files.readString(repo.resolve("README.md")));
        while (m.find()) {
            readme.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(m.group(2), m.group(3));
        }
        assertThat(readme.keySet()).containsExactlyInAnyOrderElementsOf(MODULES.keySet());
        for (String pkg : MODULES.keySet()) {
            assertThat(files(pkg)).as(pkg).isEqualTo(readme.get(pkg));
        }
    }

    @Test
    void theTarballHoldsThePackagesTree() throws Exception {
        for (String pkg : MODULES.keySet()) {
            Path tar = Files.list(repo.resolve(MODULES.get(pkg)).resolve("target"))
                    .filter(f -> f.getFileName().toString().endsWith(".tar.gz")).findFirst().orElseThrow();
            Run r = run("tar", "-tvzf", tar.toString());
            Map<String, String> inTar = new TreeMap<>();
            for (String line : r.out.lines().toList()) {
                String[] f = line.trim().split("\\s+");
                if (f[0].startsWith("-")) {
                    String path = f[f.length - 1].substring(f[f.length - 1].indexOf('/'));
                    inTar.put(path, mode(f[0]));
                }
            }
            Map<String, String> expected = new TreeMap<>();
            files(pkg).forEach((path, mode) -> expected.put(path.replaceFirst("^/usr/lib/", "/lib/")
                    .replaceFirst("^/usr/", "/"), mode));
            assertThat(inTar).as(tar.toString()).isEqualTo(expected);
        }
    }

    @Test
    void helpAndCheckRunFromTheInstalledPackage() throws Exception {
        Path edge = root.resolve("usr/bin/fabstir-shipper-edge");
        Run help = run(edge.toString(), "--help");
        assertThat(help.exit).isZero();
        assertThat(help.out).contains("tail").contains("check");
        for (String pkg : List.of("fabstir-shipper-central", "fabstir-chain-monitor", "fabstir-shipper-tools")) {
            Run h = run(root.resolve("usr/bin").resolve(pkg).toString(), "--help");
            assertThat(h.exit).as(pkg + ": " + h.out).isZero();
            assertThat(h.out).contains("check");
        }

        // As shipped, before the administrator wrote the Kafka password: one failed line naming the secret file
        // (so every other key of the shipped edge.yaml parsed).
        Path config = root.resolve("etc/fabstir/edge.yaml");
        Run fresh = run(edge.toString(), "check", "tail", "--config", config.toString());
        assertThat(fresh.exit).as(fresh.out).isEqualTo(1);
        assertThat(fresh.out).contains("failed  config").contains("[key: kafka.security.password_file]");

        // The shipped file with the real secured broker and this test's files: every check passes.
        SecureKafka kafka = SharedServices.secureKafka().security();
        try (var admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic("fabstir.logs.node-1", 1, (short) 1))).all()
                    .get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // created by an earlier run in this JVM
        }
        kafka.addUser("node-1", "node-1-password");
        kafka.allow("node-1", new ResourcePattern(ResourceType.TOPIC, "fabstir.logs.node-1", PatternType.LITERAL),
                AclOperation.WRITE);
        Path password = Files.writeString(work.resolve("kafka-password"), "node-1-password");
        Path logs = Files.createDirectories(work.resolve("logs"));
        Files.writeString(logs.resolve("node.json"), "{\"message\":\"hello\"}\n");
        Run ok = run(edge.toString(), "check", "tail", "--config", config.toString(),
                "--bootstrap-servers", kafka.bootstrapServers(), "--kafka-password-file", password.toString(),
                "--kafka-ca-file", kafka.caPem().toString(), "--path", logs + "/*.json",
                "--checkpoint-file", work.resolve("state/checkpoint.json").toString(), "--metrics-port", "0");
        assertThat(ok.exit).as(ok.out).isZero();
        assertThat(ok.out).contains("ok      kafka.authentication").contains("User:node-1")
                .doesNotContain("node-1-password");
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static Path deb(String pkg) throws IOException {
        try (Stream<Path> s = Files.list(repo.resolve(MODULES.get(pkg)).resolve("target"))) {
            return s.filter(f -> f.getFileName().toString().startsWith(pkg + "_") && f.toString().endsWith("_all.deb"))
                    .findFirst().orElseThrow(() -> new AssertionError("no .deb of " + pkg + ": run mvn package"));
        }
    }

    /** The regular files of a package with their octal modes, as {@code dpkg-deb -c} lists them. */
    private static Map<String, String> files(String pkg) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (String line : run("dpkg-deb", "-c", deb(pkg).toString()).out.lines().toList()) {
            String[] f = line.trim().split("\\s+");
            if (f[0].startsWith("-")) {
                assertThat(f[1]).as(line).isEqualTo("root/root");
                out.put(f[f.length - 1].substring(1), mode(f[0]));
            }
        }
        return out;
    }

    /** {@code -rwxr-xr-x} → {@code 0755}. */
    private static String mode(String perms) {
        int m = 0;
        for (int i = 1; i < 10; i++) {
            m = (m << 1) | (perms.charAt(i) == '-' ? 0 : 1);
        }
        return String.format("%04o", m);
    }

    private static List<String> fabstirUnits() throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("lib/systemd/system"))) {
            return s.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("fabstir-")).sorted().toList();
        }
    }

    /** A unit's settings; a line continued with a backslash is joined. */
    private static Map<String, List<String>> parse(Path unit) throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        String text = Files.readString(unit).replace("\\\n", " ");
        for (String line : text.lines().toList()) {
            int eq = line.indexOf('=');
            if (line.isBlank() || line.startsWith("#") || line.startsWith("[") || eq < 0) {
                continue;
            }
            out.computeIfAbsent(line.substring(0, eq).trim(), k -> new ArrayList<>()).add(line.substring(eq + 1).trim());
        }
        return out;
    }

    private static String one(Map<String, List<String>> unit, String key) {
        List<String> v = unit.get(key);
        assertThat(v).as(key).isNotNull().hasSize(1);
        return v.get(0);
    }

    private record Run(int exit, String out) {
    }

    private static Run run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not finish: " + out);
        }
        return new Run(p.exitValue(), out);
    }
}
