package io.fabstir.shipper.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LokiConfigTest {

    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put(LokiConfig.URL, "http://127.0.0.1:3100");
        return m;
    }

    private static LokiSink build(Map<String, String> config) {
        return LokiConfig.builder(config).registry(new io.prometheus.metrics.model.registry.PrometheusRegistry()).build();
    }

    private static void assertInvalid(Map<String, String> config, String key) {
        assertThatThrownBy(() -> build(config))
                .isInstanceOfSatisfying(LokiConfig.InvalidKey.class, e -> assertThat(e.key()).isEqualTo(key))
                .hasMessageStartingWith(key + ": ");
    }

    @Test
    void minimalConfigurationBuilds() {
        try (LokiSink sink = build(minimal())) {
            assertThat(sink.name()).isEqualTo("loki");
            assertThat(sink.toString()).contains("http://127.0.0.1:3100").contains("format=PROTOBUF");
        }
    }

    @Test
    void eachBadValueNamesItsKey() {
        Map<String, String> c = minimal();
        c.remove(LokiConfig.URL);
        assertInvalid(c, LokiConfig.URL);

        c = minimal();
        c.put(LokiConfig.URL, "ftp://loki");
        assertInvalid(c, LokiConfig.URL);

        c = minimal();
        c.put(LokiConfig.FORMAT, "xml");
        assertInvalid(c, LokiConfig.FORMAT);

        c = minimal();
        c.put(LokiConfig.BATCH_MAX_ENTRIES, "many");
        assertInvalid(c, LokiConfig.BATCH_MAX_ENTRIES);

        c = minimal();
        c.put("loki.batch.maxbytes", "10");
        assertInvalid(c, "loki.batch.maxbytes");

        c = minimal();
        c.put(LokiConfig.BASIC_USER, "u");
        assertInvalid(c, LokiConfig.BASIC_PASSWORD_FILE);
    }

    @Test
    void unboundedLabelConfigurationIsRefusedNamingTheLabelsKey() {
        Map<String, String> c = minimal();
        c.put(LokiConfig.LABELS, "service_name=service.name,trace_id=trace.id");
        assertThatThrownBy(() -> build(c))
                .isInstanceOfSatisfying(LokiConfig.InvalidKey.class, e -> assertThat(e.key()).isEqualTo(LokiConfig.LABELS))
                .hasMessageContaining("trace.id").hasMessageContaining("unbounded");
    }

    @Test
    void secretsComeFromFilesAndNeverAppearInTextOrErrors(@TempDir Path dir) throws Exception {
        Path pw = dir.resolve("pw");
        Files.writeString(pw, "s3cr3t-value\n");
        Map<String, String> c = minimal();
        c.put(LokiConfig.URL, "https://127.0.0.1:3100");
        c.put(LokiConfig.BASIC_USER, "shipper");
        c.put(LokiConfig.BASIC_PASSWORD_FILE, pw.toString());
        try (LokiSink sink = build(c)) {
            assertThat(sink.toString()).doesNotContain("s3cr3t").contains("****");
        }
        Map<String, String> missing = minimal();
        missing.put(LokiConfig.BEARER_TOKEN_ENV, "FABSTIR_TEST_SURELY_UNSET_TOKEN");
        assertInvalid(missing, LokiConfig.BEARER_TOKEN_ENV);
    }

    @Test
    void credentialsToAnHttpUrlAreRefusedUnlessAllowed(@TempDir Path dir) throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "t0ken\n");
        Map<String, String> c = minimal();
        c.put(LokiConfig.BEARER_TOKEN_FILE, token.toString());
        assertThatThrownBy(() -> build(c)).isInstanceOfSatisfying(LokiConfig.InvalidKey.class,
                e -> assertThat(e.key()).isEqualTo(LokiConfig.URL))
                .hasMessageContaining("bearer token unencrypted").hasMessageContaining(LokiConfig.ALLOW_PLAINTEXT)
                .hasMessageNotContaining("t0ken");
        c.put(LokiConfig.ALLOW_PLAINTEXT, "true");
        try (LokiSink sink = build(c)) {
            assertThat(sink.toString()).contains("bearer(****)");
        }
    }

    @Test
    void caFileThatIsNotACertificateIsRefused(@TempDir Path dir) throws Exception {
        Path ca = dir.resolve("ca.pem");
        Files.writeString(ca, "not a certificate");
        Map<String, String> c = minimal();
        c.put(LokiConfig.URL, "https://loki:3100");
        c.put(LokiConfig.TLS_CA_FILE, ca.toString());
        assertInvalid(c, LokiConfig.TLS_CA_FILE);
    }

    @Test
    void keysFollowTheShipperSettingsConvention() {
        assertThat(LokiConfig.KEYS).contains("loki.url", "loki.tenant", "loki.labels", "loki.auth.basic.password_file")
                .allMatch(k -> k.startsWith("loki."));
        assertThat(LokiConfig.KEYS).allMatch(k -> k.matches("[a-z]+(\\.[a-z_]+)+"));
    }

    @Test
    void baseUrlGetsThePushPathAndAFullPushUrlIsKept() {
        assertThat(LokiHttp.pushUri(java.net.URI.create("http://loki:3100")).toString())
                .isEqualTo("http://loki:3100/loki/api/v1/push");
        assertThat(LokiHttp.pushUri(java.net.URI.create("https://gw.example/tenant-a/loki/api/v1/push")).getPath())
                .isEqualTo("/tenant-a/loki/api/v1/push");
    }
}
