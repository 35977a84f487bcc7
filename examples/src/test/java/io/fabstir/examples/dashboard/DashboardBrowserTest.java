package io.fabstir.examples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.otel.telemetry.JobTelemetry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

/**
 * The live dashboard in a real browser: the example node under {@code -javaagent:fabstir-otel-agent.jar} with the
 * dashboard on (pushes every 700 ms) and the test NVML stub (two GPUs), Debian's headless Chromium on
 * {@code /dashboard/}. After two pushed updates the values the page shows must be those of
 * {@code /dashboard/snapshot} for the same snapshot, and agree with a {@code /metrics} scrape taken between that
 * snapshot and the next. Without NVML the page says "no GPU". With a token on the port, the page asks for it (a
 * wrong one is refused) and then shows and updates the node as without. Screenshots: {@code target/dashboard.png},
 * {@code target/dashboard-login.png}, {@code target/dashboard-token.png}.
 */
@Tag("integration")
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class DashboardBrowserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JAEGER = "http://127.0.0.1:16686";
    /** What the page shows, read in the page: the card texts by data-field, checks, events and charts. */
    private static final String READ_PAGE = """
            (() => {
              if (!document.getElementById('status')) return { seq: 0 }; // still loading
              const f = {};
              document.querySelectorAll('[data-field]').forEach(e => f[e.dataset.field] = e.textContent.trim());
              const checks = {};
              document.querySelectorAll('#checks li').forEach(li => checks[li.dataset.check] = li.className);
              const events = [...document.querySelectorAll('#events tr')].map(tr => ({
                kind: tr.children[1].textContent, title: tr.children[2].textContent,
                trace: tr.children[4].textContent, href: (tr.querySelector('a') || {}).href || null }));
              const gpus = [...document.querySelectorAll('[data-gpu]')].map(card => {
                const g = { index: Number(card.dataset.gpu), title: card.querySelector('h2').textContent };
                card.querySelectorAll('[data-gpu-field]').forEach(e => g[e.dataset.gpuField] = e.textContent);
                return g; });
              return { seq: Number(document.body.dataset.seq || 0), gpus: gpus, updates: Number(document.body.dataset.updates || 0),
                       statusClass: document.getElementById('status').className, fields: f, checks: checks,
                       events: events, charts: document.querySelectorAll('.uplot canvas').length };
            })()""";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private DashboardNode node;

    @AfterEach
    void stopNode() throws Exception {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void thePageShowsWhatTheSnapshotAndMetricsSayAndUpdatesItselfOverServerSentEvents() throws Exception {
        String url = startNode(stubNvml().toString());
        JsonNode ready = awaitSnapshot(url, s -> s.path("jobs").path("failed").asLong() > 0
                && s.path("events").size() > 0 && s.path("history").path("t").size() >= 3, 60);
        assertThat(ready.path("status").asText()).isIn("healthy", "degraded", "unhealthy");

        try (HeadlessChromium chromium = HeadlessChromium.open(url, dir.resolve("chromium-profile"))) {
            JsonNode page = awaitPage(chromium, p -> p.path("updates").asInt() >= 2, 30);

            // 1. The page shows exactly the snapshot it was pushed.
            page = assertShowsItsSnapshot(chromium, page, url, null);

            // 2. And agrees with /metrics: a scrape taken after snapshot s and before s+1 lies between the two.
            String metrics = null;
            JsonNode before = page;
            for (int attempt = 0; metrics == null && attempt < 20; attempt++) {
                before = awaitPage(chromium, p -> true, 5);
                String scrape = get(url.replace("/dashboard/", "/metrics"));
                long current = JSON.readTree(get(url + "snapshot")).path("seq").asLong();
                if (current == before.path("seq").asLong()) {
                    metrics = scrape;
                }
            }
            assertThat(metrics).as("a scrape between two snapshots").isNotNull();
            long s = before.path("seq").asLong();
            JsonNode after = awaitPage(chromium, p -> p.path("seq").asLong() > s, 10);
            Metrics m = Metrics.parse(metrics);
            assertGpusMatch(after, m);
            assertThat(m.completed()).isBetween(number(before, "jobs.completed"), number(after, "jobs.completed"));
            assertThat(m.failed()).isBetween(number(before, "jobs.failed"), number(after, "jobs.failed"));
            assertThat(m.earnings()).isBetween(number(before, "earnings") - 5e-7, number(after, "earnings") + 5e-7);
            assertThat(List.of(number(before, "staking"), number(after, "staking")))
                    .anySatisfy(v -> assertThat(v).isCloseTo(m.staking(), offset(5e-5)));
            assertThat(List.of(number(before, "reputation"), number(after, "reputation")))
                    .anySatisfy(v -> assertThat(v).isCloseTo(m.reputation(), offset(5e-4)));
            assertThat(after.path("updates").asInt()).isGreaterThan(before.path("updates").asInt());

            Path png = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("dashboard.png");
            chromium.screenshot(png);
            assertThat(Files.size(png)).as("screenshot " + png).isGreaterThan(20_000);
        }
    }

    @Test
    void withoutNvmlTheGpuCardSaysNoGpuPlainly() throws Exception {
        String url = startNode(dir.resolve("no-such-dir").resolve("libnvidia-ml.so.1").toString());
        awaitSnapshot(url, s -> s.path("gpu").path("state").asText().equals("no GPU"), 60);

        try (HeadlessChromium chromium = HeadlessChromium.open(url, dir.resolve("chromium-profile"))) {
            JsonNode page = awaitPage(chromium, p -> p.path("updates").asInt() >= 1, 30);

            assertThat(page.path("fields").path("gpu.none").asText()).isEqualTo("no GPU");
            assertThat(page.path("gpus")).isEmpty();
            assertThat(Metrics.parse(get(url.replace("/dashboard/", "/metrics"))).gpus()).isEmpty();
        }
    }

    @Test
    void withATokenThePageAsksForItThenShowsTheSnapshotAndUpdatesLive() throws Exception {
        String token = "dashboard-" + "7c1e9a3f5b2d4c6e";
        Path tokenFile = dir.resolve("http-token");
        Files.writeString(tokenFile, token + "\n");
        Files.setPosixFilePermissions(tokenFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String url = startNode(stubNvml().toString(), "-Dfabstir.http.auth.token-file=" + tokenFile);
        assertThat(http.send(HttpRequest.newBuilder(URI.create(url + "snapshot")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("no token, no snapshot").isEqualTo(401);

        try (HeadlessChromium chromium = HeadlessChromium.open(url, dir.resolve("chromium-profile"))) {
            JsonNode login = awaitLogin(chromium, false);
            assertThat(login.path("token").asBoolean()).as("the form asks for a token").isTrue();
            chromium.screenshot(Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("dashboard-login.png"));
            chromium.evaluate("""
                    (() => { document.getElementById('token').value = 'wrong-token-0000000000';
                             document.getElementById('login').requestSubmit(); return true; })()""");
            JsonNode refused = awaitLogin(chromium, true);
            assertThat(refused.path("error").asText()).isEqualTo("That credential was not accepted.");
            chromium.evaluate("(() => { document.getElementById('token').value = '" + token + "';"
                    + " document.getElementById('login').requestSubmit(); return true; })()");

            // as the first test: once jobs have completed and failed, so every card has a number
            JsonNode page = awaitPage(chromium, p -> p.path("updates").asInt() >= 2 && p.path("events").size() > 0
                    && !p.path("fields").path("jobs.successRate").asText().equals("–"), 60);
            assertShowsItsSnapshot(chromium, page, url, token);
            assertThat(chromium.evaluate("getComputedStyle(document.getElementById('login')).display").asText())
                    .as("the form is gone once the token is accepted").isEqualTo("none");
            Path png = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("dashboard-token.png");
            chromium.screenshot(png);
            assertThat(Files.size(png)).as("screenshot " + png).isGreaterThan(20_000);
        }
    }

    /** Waits until the page shows its credential form (with an error line or not); says what it shows. */
    private static JsonNode awaitLogin(HeadlessChromium chromium, boolean withError) throws Exception {
        String read = """
                (() => { const f = document.getElementById('login');
                  if (!f || !document.getElementById('login-token')) return { shown: false };
                  return { shown: getComputedStyle(f).display !== 'none', token: !document.getElementById('login-token').hidden,
                           error: document.getElementById('login-error').textContent }; })()""";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode p = null;
        while (System.nanoTime() < deadline) {
            p = chromium.evaluate(read);
            if (p.path("shown").asBoolean() && p.path("error").asText().isEmpty() != withError) {
                return p;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the page showed no credential form within 30 s: " + p);
    }

    /** Each GPU card against the snapshot's device and the fabstir_gpu_* series of /metrics. */
    private static void assertGpusMatch(JsonNode page, Metrics m) {
        assertThat(page.path("gpus").size()).as("GPU cards").isEqualTo(2).isEqualTo(m.gpus().size());
        for (JsonNode card : page.path("gpus")) {
            Map<String, Double> g = m.gpus().get(card.path("index").asText());
            assertThat(g).as("/metrics series for GPU %s", card.path("index")).isNotNull();
            assertThat(first(card, "util")).isCloseTo(g.get("fabstir_gpu_utilization_percent"), offset(0.5));
            assertThat(first(card, "memory")).as(card.path("memory").asText())
                    .isCloseTo(g.get("fabstir_gpu_memory_used_bytes") / (1L << 30), offset(0.05));
            assertThat(first(card, "temperature")).isCloseTo(g.get("fabstir_gpu_temperature_celsius"), offset(0.5));
            assertThat(first(card, "power")).isCloseTo(g.get("fabstir_gpu_power_watts"), offset(0.5));
        }
        assertThat(page.path("gpus").get(0).path("title").asText()).isEqualTo("GPU 0 · Fabstir Stub GPU A100");
    }

    private static double first(JsonNode gpu, String field) {
        Matcher m = Pattern.compile("-?\\d+(\\.\\d+)?").matcher(gpu.path(field).asText());
        assertThat(m.find()).as("a number in GPU %s: '%s'", field, gpu.path(field).asText()).isTrue();
        return Double.parseDouble(m.group());
    }

    /** The test NVML library (two fixed devices) the agent tests use, built with the machine's gcc. */
    private Path stubNvml() throws Exception {
        Path source = Path.of(System.getProperty("fabstir.repo.root"), "otel-bootstrap", "src", "test", "resources",
                "nvml", "stub_nvml.c");
        Path library = dir.resolve("libnvidia-ml.so");
        Process gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-o", library.toString(), source.toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes());
        assertThat(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0).as("gcc: " + out).isTrue();
        return library;
    }

    /**
     * Reads /dashboard/snapshot (with {@code token} when set) until it serves the snapshot the page shows, and checks
     * the page against it; returns the page as read then.
     */
    private JsonNode assertShowsItsSnapshot(HeadlessChromium chromium, JsonNode page, String url, String token)
            throws Exception {
        JsonNode snapshot = null;
        for (int attempt = 0; snapshot == null && attempt < 20; attempt++) {
            JsonNode s = JSON.readTree(get(url + "snapshot", token));
            if (s.path("seq").asLong() == page.path("seq").asLong()) {
                snapshot = s;
            } else {
                page = chromium.evaluate(READ_PAGE);
            }
        }
        assertThat(snapshot).as("the page's snapshot %s is served by /dashboard/snapshot", page.path("seq")).isNotNull();
        assertShows(page, snapshot);
        return page;
    }

    /** Every card, check and event row against the snapshot of the same seq. */
    private static void assertShows(JsonNode page, JsonNode s) {
        JsonNode f = page.path("fields");
        assertThat(f.path("status").asText()).isEqualTo(s.path("status").asText());
        assertThat(page.path("statusClass").asText()).isEqualTo("status " + s.path("status").asText());
        assertThat(f.path("node.version").asText()).isEqualTo(s.path("node").path("version").asText());
        assertThat(f.path("node.id").asText()).isEqualTo(s.path("node").path("id").asText());
        assertThat(number(page, "jobs.active")).isEqualTo(s.path("jobs").path("active").asDouble());
        assertThat(number(page, "jobs.completed")).isEqualTo(s.path("jobs").path("completed").asDouble());
        assertThat(number(page, "jobs.failed")).isEqualTo(s.path("jobs").path("failed").asDouble());
        assertThat(number(page, "jobs.successRate"))
                .isCloseTo(100 * s.path("jobs").path("successRate").asDouble(), offset(0.05));
        assertThat(number(page, "earnings"))
                .isCloseTo(s.path("earningsEth").path("ETH").asDouble(), offset(5e-7));
        assertThat(number(page, "staking"))
                .isCloseTo(s.path("stakingBalanceEth").asDouble(), offset(5e-5));
        assertThat(number(page, "reputation"))
                .isCloseTo(s.path("reputation").asDouble(), offset(5e-4));
        long uptime = s.path("uptimeSeconds").asLong();
        assertThat(f.path("uptime").asText()).endsWith((uptime % 60) + "s");
        JsonNode devices = s.path("gpu").path("devices");
        assertThat(page.path("gpus").size()).isEqualTo(devices.size());
        for (int i = 0; i < devices.size(); i++) {
            JsonNode card = page.path("gpus").get(i);
            JsonNode d = devices.get(i);
            assertThat(card.path("index").asInt()).isEqualTo(d.path("index").asInt());
            assertThat(first(card, "util")).isCloseTo(d.path("utilizationPercent").asDouble(), offset(0.5));
            assertThat(first(card, "temperature")).isCloseTo(d.path("temperatureCelsius").asDouble(), offset(0.5));
            assertThat(first(card, "power")).isCloseTo(d.path("powerWatts").asDouble(), offset(0.5));
        }
        Map<String, Object> checks = JSON.convertValue(s.path("checks"), Map.class);
        assertThat(JSON.convertValue(page.path("checks"), Map.class)).isEqualTo(checks);
        assertThat(checks).containsKeys("chain", "disk", "gpu");
        assertThat(page.path("events").size()).isEqualTo(s.path("events").size()).isBetween(1, 10);
        for (int i = 0; i < s.path("events").size(); i++) {
            JsonNode shown = page.path("events").get(i);
            JsonNode e = s.path("events").get(i);
            assertThat(shown.path("kind").asText()).isEqualTo(e.path("kind").asText()).isIn("job.failed", "slow", "error");
            assertThat(shown.path("title").asText()).isEqualTo(e.path("title").asText());
            assertThat(shown.path("trace").asText()).isEqualTo(e.path("traceId").asText()).matches("[0-9a-f]{32}");
            assertThat(shown.path("href").asText()).isEqualTo(JAEGER + "/trace/" + e.path("traceId").asText());
        }
        assertThat(page.path("charts").asInt()).as("both uPlot charts drawn").isEqualTo(2);
    }

    /** The first number in a card's text ("32.0000 ETH" → 32.0, "95.2 %" → 95.2). */
    private static double number(JsonNode page, String field) {
        String text = page.path("fields").path(field).asText();
        Matcher m = Pattern.compile("-?\\d+(\\.\\d+)?").matcher(text);
        assertThat(m.find()).as("a number in %s: '%s'", field, text).isTrue();
        return Double.parseDouble(m.group());
    }

    private String startNode(String nvmlLibrary, String... properties) throws Exception {
        List<String> props = new ArrayList<>(List.of("-Dfabstir.dashboard.jaeger.url=" + JAEGER,
                "-Dfabstir.gpu.nvml.library=" + nvmlLibrary, "-Dfabstir.gpu.sample.interval=1s"));
        props.addAll(List.of(properties));
        node = DashboardNode.start(dir, props, "--failure-rate", "0.3", "--seed", "16");
        return node.url();
    }

    private JsonNode awaitSnapshot(String url, java.util.function.Predicate<JsonNode> until, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode s = null;
        while (System.nanoTime() < deadline) {
            s = JSON.readTree(get(url + "snapshot"));
            if (until.test(s)) {
                return s;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("snapshot never got there within " + seconds + " s: " + s);
    }

    private static JsonNode awaitPage(HeadlessChromium chromium, java.util.function.Predicate<JsonNode> until,
                                      int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonNode p = null;
        while (System.nanoTime() < deadline) {
            p = chromium.evaluate(READ_PAGE);
            if (p.path("seq").asLong() > 0 && until.test(p)) {
                return p;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the page never got there within " + seconds + " s: " + p);
    }

    private String get(String url) throws IOException, InterruptedException {
        return get(url, null);
    }

    private String get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(url).isEqualTo(200);
        return r.body();
    }

    /** The few series compared, from Prometheus text; job counts split by the telemetry API's failed status. */
    record Metrics(double completed, double failed, double earnings, double staking, double reputation,
                   Map<String, Map<String, Double>> gpus) {
        private static final Pattern SAMPLE = Pattern.compile("^(\\w+)(?:\\{([^}]*)})? (\\S+)$");
        private static final Pattern GPU_INDEX = Pattern.compile("gpu_index=\"(\\d+)\"");

        static Metrics parse(String text) {
            double completed = 0, failed = 0, earnings = 0, staking = Double.NaN, reputation = Double.NaN;
            Map<String, Map<String, Double>> gpus = new java.util.TreeMap<>();
            for (String line : text.split("\n")) {
                Matcher m = SAMPLE.matcher(line);
                if (line.startsWith("#") || !m.matches()) {
                    continue;
                }
                double v = Double.parseDouble(m.group(3));
                String labels = m.group(2) == null ? "" : m.group(2);
                switch (m.group(1)) {
                    case "fabstir_jobs_processed_total" -> {
                        if (labels.contains("status=\"" + JobTelemetry.STATUS_FAILED + "\"")) {
                            failed += v;
                        } else {
                            completed += v;
                        }
                    }
                    case "fabstir_earnings_eth_total" -> earnings += v;
                    case "fabstir_staking_balance_eth" -> staking = v;
                    case "fabstir_reputation_score" -> reputation = v;
                    case "fabstir_gpu_utilization_percent", "fabstir_gpu_memory_used_bytes",
                         "fabstir_gpu_temperature_celsius", "fabstir_gpu_power_watts" -> {
                        Matcher gpu = GPU_INDEX.matcher(labels);
                        if (gpu.find()) {
                            gpus.computeIfAbsent(gpu.group(1), k -> new java.util.HashMap<>()).put(m.group(1), v);
                        }
                    }
                    default -> { }
                }
            }
            return new Metrics(completed, failed, earnings, staking, reputation, gpus);
        }
    }
}
