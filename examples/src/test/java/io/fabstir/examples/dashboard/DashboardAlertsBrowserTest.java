package io.fabstir.examples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.examples.ops.OpsTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The dashboard's "Recent alerts" panel against a real Alertmanager (Debian's {@code prometheus-alertmanager}): an
 * alert for this node is posted to Alertmanager's v2 API and shows on the page as firing, one for another node does
 * not (the panel's filter); resolved, it shows as resolved. Without an Alertmanager the panel says "not configured"
 * (checked on the page of {@link DashboardBrowserTest}'s node here too). Screenshot: {@code target/dashboard-alerts.png}.
 */
@Tag("integration")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DashboardAlertsBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String READ_ALERTS = """
            (() => !document.getElementById('alerts-note') ? { seq: 0 } : ({ seq: Number(document.body.dataset.seq || 0),
                      note: document.getElementById('alerts-note').hidden ? '' : document.getElementById('alerts-note').textContent,
                      rows: [...document.querySelectorAll('#alerts tr')].map(tr => ({ name: tr.dataset.alert,
                        state: tr.dataset.state, cells: [...tr.children].map(td => td.textContent) })) }))()""";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private Process alertmanager;
    private DashboardNode node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            node.close();
        }
        if (alertmanager != null) {
            alertmanager.destroy();
            if (!alertmanager.waitFor(20, TimeUnit.SECONDS)) {
                alertmanager.destroyForcibly();
            }
        }
    }

    @Test
    void anAlertPostedToAlertmanagerShowsFiringThenResolvedAndAnotherNodesAlertDoesNot() throws Exception {
        String am = startAlertmanager();
        node = DashboardNode.start(dir, List.of("-Dfabstir.gpu.enabled=false",
                "-Dfabstir.dashboard.alertmanager.url=" + am,
                "-Dfabstir.dashboard.alertmanager.filter=instance=\"node-7:9464\""));
        Instant started = Instant.now().minusSeconds(30);
        post(am, alert("FabstirHighGasPrice", "node-7:9464", "medium", "Gas price above 100 gwei", started, null));
        post(am, alert("FabstirNodeDown", "node-8:9464", "critical", "Another node is down", started, null));

        try (HeadlessChromium chromium = HeadlessChromium.open(node.url(), dir.resolve("chromium-profile"))) {
            JsonNode firing = await(chromium, p -> p.path("rows").size() == 1
                    && p.path("rows").get(0).path("state").asText().equals("firing"), 60);
            JsonNode row = firing.path("rows").get(0);
            assertThat(row.path("name").asText()).isEqualTo("FabstirHighGasPrice");
            assertThat(row.path("cells").get(1).asText()).isEqualTo("medium");
            assertThat(row.path("cells").get(3).asText()).isEqualTo("node-7:9464");
            assertThat(row.path("cells").get(4).asText()).isEqualTo("Gas price above 100 gwei");
            assertThat(firing.toString()).doesNotContain("FabstirNodeDown");

            post(am, alert("FabstirHighGasPrice", "node-7:9464", "medium", "Gas price above 100 gwei", started,
                    Instant.now().minusSeconds(1)));
            JsonNode resolved = await(chromium, p -> p.path("rows").size() == 1
                    && p.path("rows").get(0).path("state").asText().equals("resolved"), 60);
            assertThat(resolved.path("rows").get(0).path("cells").get(6).asText()).as("resolved at").isNotEmpty();
            Path png = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("dashboard-alerts.png");
            chromium.evaluate("document.querySelector('section.alerts').scrollIntoView()");
            chromium.screenshot(png);
            assertThat(Files.size(png)).isGreaterThan(20_000);
        }
    }

    @Test
    void withoutAnAlertmanagerThePanelSaysNotConfigured() throws Exception {
        node = DashboardNode.start(dir, List.of("-Dfabstir.gpu.enabled=false"));
        try (HeadlessChromium chromium = HeadlessChromium.open(node.url(), dir.resolve("chromium-profile"))) {
            JsonNode page = await(chromium, p -> p.path("seq").asLong() > 0, 30);
            assertThat(page.path("note").asText()).startsWith("not configured");
            assertThat(page.path("rows")).isEmpty();
            assertThat(chromium.evaluate("getComputedStyle(document.getElementById('login')).display").asText())
                    .as("no credential form on an open loopback port").isEqualTo("none");
        }
    }

    private static String alert(String name, String instance, String severity, String summary, Instant starts,
                                Instant ends) throws Exception {
        var a = JSON.createObjectNode();
        a.putObject("labels").put("alertname", name).put("instance", instance).put("severity", severity)
                .put("job", "fabstir-node");
        a.putObject("annotations").put("summary", summary);
        a.put("startsAt", starts.toString());
        if (ends != null) {
            a.put("endsAt", ends.toString());
        }
        a.put("generatorURL", "http://prometheus.example.org/graph");
        return JSON.writeValueAsString(JSON.createArrayNode().add(a));
    }

    private void post(String am, String alerts) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(am + "/api/v2/alerts"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(alerts)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** Alertmanager on a free loopback port, routing everything to a receiver that sends nothing. */
    private String startAlertmanager() throws Exception {
        Path binary = OpsTools.onPath("prometheus-alertmanager");
        if (binary == null) {
            fail("prometheus-alertmanager not found on PATH: " + OpsTools.INSTALL_HINT);
        }
        Path config = Files.writeString(dir.resolve("alertmanager.yml"),
                "route:\n  receiver: none\nreceivers:\n  - name: none\n");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        alertmanager = new ProcessBuilder(binary.toString(), "--config.file=" + config,
                "--storage.path=" + dir.resolve("am-data"), "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        String url = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return url;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            assertThat(alertmanager.isAlive()).as(Files.readString(dir.resolve("alertmanager.log"))).isTrue();
            Thread.sleep(100);
        }
        throw new AssertionError("Alertmanager not ready: " + Files.readString(dir.resolve("alertmanager.log")));
    }

    private static JsonNode await(HeadlessChromium chromium, java.util.function.Predicate<JsonNode> until, int seconds)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode p = null;
        while (System.nanoTime() < deadline) {
            p = chromium.evaluate(READ_ALERTS);
            if (p.path("seq").asLong() > 0 && until.test(p)) {
                return p;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the page never got there within " + seconds + " s: " + p);
    }
}
