package io.fabstir.examples.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shipped prometheus.yml's authenticated job, as an operator deploys it: a node whose port asks for a token
 * (fabstir.http.auth.token-file, bound beyond loopback), the same token in Prometheus' credentials file, a real
 * Prometheus (Debian's) scraping it. The target is up, its series carry job="fabstir-node" as the rules expect,
 * and the config passes promtool.
 */
@Tag("integration")
class AuthenticatedScrapeTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "scrape-" + "3e8c1f0a9d2b7c4e6f5a";

    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private NodeProcess node;
    private Process prometheus;

    @AfterEach
    void stop() throws Exception {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesATokenProtectedNodeWithTheShippedAuthenticatedJob() throws Exception {
        Path nodeToken = secret("node-token", TOKEN);
        node = NodeProcess.start(dir.resolve("node"), List.of(), List.of("-Dfabstir.http.host=0.0.0.0",
                "-Dfabstir.http.auth.token-file=" + nodeToken, "-Dfabstir.gpu.enabled=false"));
        awaitReady();
        assertThat(node.get("/metrics").statusCode()).as("without the token").isEqualTo(401);

        Map<String, Object> shipped = new Yaml().load(Files.readString(OpsTools.artefact("prometheus/prometheus.yml")));
        Map<String, Object> job = null;
        for (Object s : (List<Object>) shipped.get("scrape_configs")) {
            if ("fabstir-node-authenticated".equals(((Map<String, Object>) s).get("job_name"))) {
                job = (Map<String, Object>) s;
            }
        }
        assertThat(job).as("the shipped authenticated job").isNotNull();
        Map<String, Object> authorization = (Map<String, Object>) job.get("authorization");
        assertThat(authorization).containsEntry("type", "Bearer").containsKey("credentials_file");
        authorization.put("credentials_file", secret("prometheus-token", TOKEN).toString());
        job.put("static_configs", List.of(Map.of("targets", List.of(node.target()))));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("global", Map.of("scrape_interval", "1s", "scrape_timeout", "900ms"));
        config.put("scrape_configs", List.of(job));
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Path file = Files.writeString(dir.resolve("prometheus.yml"), new Yaml(options).dump(config));
        OpsTools.Result check = OpsTools.run(dir, "promtool", "check", "config", file.toString());
        assertThat(check.exitCode()).as(check.output()).isZero();

        String api = startPrometheus(file);
        JsonNode up = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonNode r = JSON.readTree(get(api + "/api/v1/query?query="
                    + URLEncoder.encode("up{job=\"fabstir-node\"}", StandardCharsets.UTF_8)));
            if (r.at("/data/result").size() > 0) {
                up = r.at("/data/result/0");
                break;
            }
            Thread.sleep(500);
        }
        assertThat(up).as("a scrape of the node").isNotNull();
        JsonNode targets = JSON.readTree(get(api + "/api/v1/targets")).at("/data/activeTargets/0");
        assertThat(up.at("/value/1").asText()).as("target: %s", targets).isEqualTo("1");
        assertThat(up.at("/metric/instance").asText()).isEqualTo(node.target());
        assertThat(get(api + "/api/v1/query?query=" + URLEncoder.encode(
                "fabstir_health_status{job=\"fabstir-node\"}", StandardCharsets.UTF_8))).contains("\"check\":\"disk\"");
    }

    private Path secret(String name, String content) throws Exception {
        Path f = Files.writeString(dir.resolve(name), content + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            var r = node.get("/ready");
            if (r != null && r.statusCode() == 200) {
                return;
            }
            Thread.sleep(200);
        }
        fail("the node's /ready did not answer: " + node.output());
    }

    private String startPrometheus(Path config) throws Exception {
        Path binary = OpsTools.onPath("prometheus");
        if (binary == null) {
            fail("prometheus not found on PATH: " + OpsTools.INSTALL_HINT);
        }
        int port = NodeProcess.freePort();
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port));
        prometheus = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        String api = "http://127.0.0.1:" + port;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(URI.create(api + "/-/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return api;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            assertThat(prometheus.isAlive()).as(Files.readString(dir.resolve("prometheus.log"))).isTrue();
            Thread.sleep(200);
        }
        throw new AssertionError("Prometheus not ready: " + Files.readString(dir.resolve("prometheus.log")));
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
