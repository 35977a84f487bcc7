package io.fabstir.examples.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.examples.ops.ChannelReceivers.Notification;
import io.fabstir.shipper.alert.DiscordBridge;
import io.fabstir.shipper.alert.WebhookAuth;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole alert path on real parts: the example node under the agent with failure injection, a real Prometheus
 * (Debian's 2.42) scraping it with the shipped prometheus.yml and rules, two real Alertmanagers (0.25) with the
 * shipped routing, whose receivers point at {@link ChannelReceivers} (Discord through the product's
 * {@code alert-bridge}, PagerDuty Events v2, Telegram Bot API, SMTP). The shipped business-hours window is placed
 * relative to the test's own now ({@link BusinessHours#placedFor}): for Alertmanager A it ended before now, for B it
 * covers now and the whole run, so one run shows both sides of the mute on any day at any hour. Time runs {@value AlertStackConfig#TIME_SCALE} times faster
 * (see {@link AlertStackConfig}): the guide's 5-minute cooldown is 5 s here.
 *
 * <p>The node has no GPU (fabstir.gpu.enabled=false), half its jobs fail, its watched disk is an 8 MiB tmpfs filled
 * to about 93 % (in a private mount namespace of its own, {@code unshare -rm}), its gas price flaps around 150 gwei
 * and its reputation drops; then it is killed.
 */
@Tag("integration")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class AlertPathEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** The guide's cooldown of each seed alert, in the shipped files' time. */
    private static final Map<String, Duration> COOLDOWN = Map.of("FabstirNodeDown", Duration.ofMinutes(5),
            "FabstirHighErrorRate", Duration.ofMinutes(10), "FabstirNoGpuAvailable", Duration.ofMinutes(5),
            "FabstirDiskSpaceLow", Duration.ofHours(1), "FabstirHighGasPrice", Duration.ofMinutes(30),
            "FabstirReputationDrop", Duration.ofHours(1));

    private Path dir;
    private final List<Process> children = new ArrayList<>();
    private ChannelReceivers offHours;
    private ChannelReceivers businessHours;
    private DiscordBridge bridgeA;
    private DiscordBridge bridgeB;
    private NodeProcess node;
    private String prometheus;
    private String alertmanagerA;
    private long killedAt;
    private String gasSamples;

    @BeforeAll
    void runTheScenario() throws Exception {
        dir = Files.createTempDirectory("fabstir-alert-path");
        Instant now = Instant.now(); // the test's own now: the business-hours windows are placed around it
        Path moduleDir = OpsTools.moduleDir();
        offHours = new ChannelReceivers();
        businessHours = new ChannelReceivers();
        String amBinary = OpsTools.onPath("alertmanager") != null ? "alertmanager" : "prometheus-alertmanager";
        boolean fileSecrets = alertmanagerVersionAtLeast026(amBinary);
        int portA = NodeProcess.freePort();
        int portB = NodeProcess.freePort();
        alertmanagerA = "127.0.0.1:" + portA;
        // fabstir-shipper alert-bridge (the product's Discord adapter), one per Alertmanager, as an operator runs it
        bridgeA = DiscordBridge.start("127.0.0.1", 0, offHours.discordWebhookUrl(),
                WebhookAuth.bearer(ChannelReceivers.BRIDGE_TOKEN));
        bridgeB = DiscordBridge.start("127.0.0.1", 0, businessHours.discordWebhookUrl(),
                WebhookAuth.bearer(ChannelReceivers.BRIDGE_TOKEN));
        startAlertmanager(amBinary, "am-a", portA, AlertStackConfig.alertmanager(
                moduleDir.resolve("alertmanager/alertmanager.yml"), dir.resolve("am-a"), offHours,
                "http://127.0.0.1:" + bridgeA.port(), BusinessHours.placedFor(now, false), fileSecrets));
        startAlertmanager(amBinary, "am-b", portB, AlertStackConfig.alertmanager(
                moduleDir.resolve("alertmanager/alertmanager.yml"), dir.resolve("am-b"), businessHours,
                "http://127.0.0.1:" + bridgeB.port(), BusinessHours.placedFor(now, true), fileSecrets));

        Path disk = dir.resolve("disk");
        Files.createDirectories(disk);
        // A small file system of the node's own, nearly full: the disk alert fires on the node's real reading.
        List<String> wrapper = List.of(tool("unshare"), "-rm", "sh", "-c",
                "mount -t tmpfs -o size=8m fabstir-test-disk \"$0\" && mkdir \"$0/models\" "
                        + "&& head -c 7800000 /dev/zero > \"$0/fill\" && exec \"$@\"", disk.toString());
        node = NodeProcess.start(dir.resolve("node"), wrapper, List.of("-Dfabstir.gpu.enabled=false",
                        "-Dfabstir.health.disk.paths=" + disk + "," + disk.resolve("models")),
                "--failure-rate", "0.5", "--seed", "42", "--inject", "gas-flap@3s", "--inject", "reputation-drop@3s");
        int promPort = NodeProcess.freePort();
        prometheus = "127.0.0.1:" + promPort;
        Path promConfig = AlertStackConfig.prometheus(moduleDir.resolve("prometheus/prometheus.yml"),
                dir.resolve("prometheus"), node.target(), List.of(alertmanagerA, "127.0.0.1:" + portB));
        start("prometheus", List.of(tool("prometheus"), "--config.file=" + promConfig,
                "--storage.tsdb.path=" + dir.resolve("prometheus/data"), "--web.listen-address=" + prometheus,
                "--rules.alert.resend-delay=1s", "--log.level=warn"));
        awaitReady("http://" + prometheus + "/-/ready", "prometheus");
        node.awaitMetrics(Duration.ofSeconds(60));

        // Phase 1: every condition of the running node reaches its channels.
        List<String> running = List.of("FabstirHighErrorRate", "FabstirNoGpuAvailable", "FabstirDiskSpaceLow",
                "FabstirHighGasPrice", "FabstirReputationDrop");
        await(Duration.ofSeconds(120), "every running-node alert notified on Discord and the absent shipper on Telegram",
                () -> running.stream().allMatch(a -> !offHours.firing("discord", a).isEmpty())
                        && !offHours.firing("email", "FabstirHighErrorRate").isEmpty()
                        && !offHours.firing("telegram", "FabstirShipperMetricsAbsent").isEmpty());
        Thread.sleep(15_000); // long enough for the 5 s cooldowns to repeat and the gas price to flap twice more
        gasSamples = query("fabstir_gas_price_gwei[40s]");

        // Phase 2: the node dies.
        killedAt = System.currentTimeMillis();
        node.kill();
        await(Duration.ofSeconds(60), "FabstirNodeDown on PagerDuty, Discord and email, in and out of business hours",
                () -> List.of("pagerduty", "discord", "email").stream()
                        .allMatch(c -> !offHours.firing(c, "FabstirNodeDown").isEmpty()
                                && !businessHours.firing(c, "FabstirNodeDown").isEmpty()));
        Thread.sleep(11_000); // two more cooldowns of node down
        writeCapturedPayloads();
    }

    @AfterAll
    void stopEverything() throws Exception {
        if (node != null) {
            node.kill();
        }
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(20, TimeUnit.SECONDS);
        }
        for (DiscordBridge b : new DiscordBridge[] {bridgeA, bridgeB}) {
            if (b != null) {
                b.close();
            }
        }
        if (offHours != null) {
            offHours.close();
        }
        if (businessHours != null) {
            businessHours.close();
        }
    }

    @Test
    void everyNotificationSpokeItsChannelsProtocolWithItsSecret() {
        assertThat(offHours.protocolErrors).isEmpty();
        assertThat(businessHours.protocolErrors).isEmpty();
    }

    @Test
    void nodeDownIsCriticalOnPagerDutyDiscordAndEmail() throws Exception {
        assertChannels("FabstirNodeDown", "critical", "discord", "email", "pagerduty");
    }

    @Test
    void highErrorRateIsHighOnDiscordAndEmail() throws Exception {
        assertChannels("FabstirHighErrorRate", "high", "discord", "email");
    }

    @Test
    void noGpuIsHighOnDiscord() throws Exception {
        assertChannels("FabstirNoGpuAvailable", "high", "discord");
    }

    @Test
    void lowDiskIsMediumOnDiscord() throws Exception {
        assertChannels("FabstirDiskSpaceLow", "medium", "discord");
    }

    @Test
    void highGasPriceIsMediumOnDiscord() throws Exception {
        assertChannels("FabstirHighGasPrice", "medium", "discord");
    }

    @Test
    void reputationDropIsLowOnDiscord() throws Exception {
        assertChannels("FabstirReputationDrop", "low", "discord");
    }

    @Test
    void alertsOutsideTheGuidesListGoToTheOnCallTelegramChat() {
        assertThat(offHours.channelsOf("FabstirShipperMetricsAbsent")).containsExactly("telegram");
        assertThat(offHours.received).filteredOn(n -> n.channel().equals("telegram"))
                .allMatch(n -> !COOLDOWN.containsKey(n.alertname()));
    }

    /** No repeat inside the cooldown, and (for the short ones, which the run outlasts) a repeat after it. */
    @Test
    void noAlertRepeatsOnAChannelInsideItsCooldown() {
        for (Map.Entry<String, Duration> e : COOLDOWN.entrySet()) {
            long cooldown = e.getValue().toMillis() / AlertStackConfig.TIME_SCALE;
            for (String channel : offHours.channelsOf(e.getKey())) {
                List<Notification> sent = offHours.firing(channel, e.getKey());
                for (int i = 1; i < sent.size(); i++) {
                    long gap = sent.get(i).atMillis() - sent.get(i - 1).atMillis();
                    assertThat(gap).as("%s on %s: repeat %d after %d ms, cooldown %d ms", e.getKey(), channel, i,
                            gap, cooldown).isGreaterThanOrEqualTo(cooldown - 1_000); // delivery latency varies
                }
            }
        }
        assertThat(offHours.firing("pagerduty", "FabstirNodeDown")).as("node down re-pages after its 5 s cooldown")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(offHours.firing("discord", "FabstirNoGpuAvailable")).hasSizeGreaterThanOrEqualTo(2);
    }

    /** Both watched paths of the full disk are one group: one Discord message naming both, sent once. */
    @Test
    void groupingSendsDuplicatesAndSiblingsAsOneNotification() throws Exception {
        List<Notification> all = offHours.firing("discord", "FabstirDiskSpaceLow");
        long first = all.get(0).atMillis();
        long cooldown = COOLDOWN.get("FabstirDiskSpaceLow").toMillis() / AlertStackConfig.TIME_SCALE;
        List<Notification> disk = all.stream().filter(n -> n.atMillis() < Math.min(killedAt, first + cooldown)).toList();
        assertThat(disk).hasSize(1);
        assertThat(disk.get(0).body()).contains("/disk)", "/disk/models)");
        String metrics = get("http://" + alertmanagerA + "/metrics");
        double receivedFiring = sum(metrics, "alertmanager_alerts_received_total\\{status=\"firing\"[^}]*}");
        double notifications = sum(metrics, "alertmanager_notifications_total\\{[^}]*}");
        assertThat(receivedFiring).as("Prometheus re-sends every firing alert each second; Alertmanager dedups")
                .isGreaterThan(5 * notifications);
    }

    /** The gas price went back under 100 several times while the alert stayed one firing alert. */
    @Test
    void aFlappingAlertIsHeldBackToOneFiring() throws Exception {
        List<Notification> gas = offHours.received.stream()
                .filter(n -> n.alertname().equals("FabstirHighGasPrice") && n.atMillis() < killedAt).toList();
        JsonNode values = JSON.readTree(gasSamples).at("/data/result/0/values");
        int dropsWhileFiring = 0;
        for (int i = 1; i < values.size(); i++) {
            boolean afterFirstMessage = values.get(i).get(0).asDouble() * 1000 > gas.get(0).atMillis();
            if (afterFirstMessage && values.get(i - 1).get(1).asDouble() > 100 && values.get(i).get(1).asDouble() <= 100) {
                dropsWhileFiring++;
            }
        }
        assertThat(dropsWhileFiring).as("gas samples: " + values).isGreaterThanOrEqualTo(2);
        assertThat(gas).as("no resolve while it flaps").allMatch(n -> n.status().equals("firing"));
        long cooldown = COOLDOWN.get("FabstirHighGasPrice").toMillis() / AlertStackConfig.TIME_SCALE;
        assertThat(gas).as("one firing inside its cooldown, not one per bounce")
                .filteredOn(n -> n.atMillis() < gas.get(0).atMillis() + cooldown).hasSize(1);
    }

    @Test
    void lowSeverityIsMutedInBusinessHoursButCriticalIsNot() {
        assertThat(businessHours.channelsOf("FabstirReputationDrop")).isEmpty();
        assertThat(businessHours.channelsOf("FabstirNodeDown")).containsExactly("discord", "email", "pagerduty");
        assertThat(offHours.channelsOf("FabstirReputationDrop")).containsExactly("discord");
    }

    private void assertChannels(String alertname, String severity, String... channels) throws Exception {
        assertThat(offHours.channelsOf(alertname)).as(alertname).containsExactly(channels);
        assertThat(offHours.received).filteredOn(n -> n.alertname().equals(alertname))
                .allMatch(n -> n.severity().equals(severity), "severity " + severity);
        int colour = Map.of("critical", 0xE74C3C, "high", 0xE67E22, "medium", 0xF1C40F, "low", 0x3498DB).get(severity);
        for (Notification n : offHours.firing("discord", alertname)) {
            assertThat(JSON.readTree(n.body()).at("/embeds/0/color").asInt()).as("Discord colour of " + severity)
                    .isEqualTo(colour);
        }
    }

    private boolean alertmanagerVersionAtLeast026(String binary) {
        OpsTools.Result v = OpsTools.run(dir, binary, "--version");
        Matcher m = Pattern.compile("version (\\d+)\\.(\\d+)").matcher(v.output());
        assertThat(m.find()).as(v.output()).isTrue();
        return Integer.parseInt(m.group(1)) > 0 || Integer.parseInt(m.group(2)) >= 26;
    }

    private static String tool(String name) {
        Path p = OpsTools.onPath(name);
        if (p == null) {
            throw new IllegalStateException(name + " not found on PATH: " + OpsTools.INSTALL_HINT);
        }
        return p.toString();
    }

    private void startAlertmanager(String binary, String name, int port, Path config) throws Exception {
        start(name, List.of(tool(binary), "--config.file=" + config, "--storage.path=" + dir.resolve(name + "-data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=warn"));
        awaitReady("http://127.0.0.1:" + port + "/-/ready", name);
    }

    private void start(String name, List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile()).start();
        children.add(p);
    }

    private void awaitReady(String url, String name) throws Exception {
        await(Duration.ofSeconds(30), name + " ready (log: " + dir.resolve(name + ".log") + ")", () -> {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    private void await(Duration timeout, String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what + "\nreceived (off hours): "
                        + summary(offHours) + "\nreceived (business hours): " + summary(businessHours)
                        + "\nprotocol errors: " + offHours.protocolErrors + businessHours.protocolErrors
                        + "\nalerts: " + get("http://" + prometheus + "/api/v1/alerts")
                        + "\nnode: " + node.output().lines().limit(40).toList());
            }
            Thread.sleep(250);
        }
    }

    private static String summary(ChannelReceivers r) {
        return r.received.stream().map(n -> n.channel() + ":" + n.alertname() + ":" + n.severity() + ":" + n.status())
                .toList().toString();
    }

    private String query(String promql) throws Exception {
        return get("http://" + prometheus + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
    }

    private static String get(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double sum(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }

    /** What an operator receives, one file per channel, for the README's alerting section. */
    private void writeCapturedPayloads() throws IOException {
        Path out = Files.createDirectories(ExportedSeries.file().getParent().resolve("alert-payloads"));
        for (String channel : List.of("discord", "pagerduty", "telegram", "email")) {
            StringBuilder b = new StringBuilder();
            offHours.received.stream().filter(n -> n.channel().equals(channel)).limit(6)
                    .forEach(n -> b.append(n.body()).append("\n\n"));
            Files.writeString(out.resolve(channel + ".txt"), b);
        }
    }
}
