package io.fabstir.shipper.security;

import io.fabstir.localservices.tls.TestCa;
import io.fabstir.shipper.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code elasticsearch.*} connection settings: hosts, trust, one credential, and the plaintext refusal. */
class ElasticsearchAccessTest {
    @TempDir
    Path dir;

    private static ElasticsearchAccess read(Map<String, String> values, Map<String, String> env) {
        return ElasticsearchAccess.read(ConfigSource.of(values, env), "http://127.0.0.1:9200");
    }

    @Test
    void apiKeyFileOverHttpsTrustingTheCaFile() throws Exception {
        TestCa ca = TestCa.create(dir.resolve("ca"));
        Path key = Files.writeString(dir.resolve("key"), "ZW5jb2RlZA==\n");
        ElasticsearchAccess a = read(Map.of("elasticsearch.hosts", "https://es1:9243,https://es2",
                "elasticsearch.api_key_file", key.toString(), "elasticsearch.ca_file", ca.certificatePem().toString()),
                Map.of());
        assertThat(a.hosts()).containsExactly(URI.create("https://es1:9243"), URI.create("https://es2:9200"));
        assertThat(a.authorization()).isEqualTo("ApiKey ZW5jb2RlZA==");
        assertThat(a.credentialKey()).isEqualTo("elasticsearch.api_key_file");
        assertThat(a.sslContext()).isNotNull();
        assertThat(a.toString()).contains("API key").doesNotContain("ZW5j");
    }

    @Test
    void anIdAndKeyPairIsEncodedAsElasticsearchExpects() {
        ElasticsearchAccess a = read(Map.of("elasticsearch.hosts", "https://es"),
                Map.of("FABSTIR_ELASTICSEARCH_API_KEY", "id1:secret"));
        assertThat(a.authorization()).isEqualTo("ApiKey " + Base64.getEncoder()
                .encodeToString("id1:secret".getBytes(StandardCharsets.UTF_8)));
        assertThat(a.credentialKey()).isEqualTo("FABSTIR_ELASTICSEARCH_API_KEY");
    }

    @Test
    void basicAuthNeedsAPasswordFromAFileOrTheEnvironment() {
        assertThatThrownBy(() -> read(Map.of("elasticsearch.hosts", "https://es", "elasticsearch.username", "ops"),
                Map.of())).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("elasticsearch.password_file: is required for user ops");
        ElasticsearchAccess a = read(Map.of("elasticsearch.hosts", "https://es", "elasticsearch.username", "ops"),
                Map.of("FABSTIR_ELASTICSEARCH_PASSWORD", "pw"));
        assertThat(a.authorization()).isEqualTo("Basic " + Base64.getEncoder()
                .encodeToString("ops:pw".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aCredentialToAnHttpHostIsRefusedUnlessAllowed() {
        Map<String, String> env = Map.of("FABSTIR_ELASTICSEARCH_API_KEY", "k");
        assertThatThrownBy(() -> read(Map.of("elasticsearch.hosts", "http://es:9200"), env))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("elasticsearch.hosts: http://es:9200 would receive the API key unencrypted")
                .hasMessageContaining("elasticsearch.allow_plaintext");
        assertThat(read(Map.of("elasticsearch.hosts", "http://es:9200", "elasticsearch.allow_plaintext", "true"), env)
                .authorization()).isEqualTo("ApiKey k");
        // without a credential, http is what it always was
        assertThat(read(Map.of(), Map.of()).hosts()).containsExactly(URI.create("http://127.0.0.1:9200"));
    }

    @Test
    void bothCredentialsOrACaFileWithoutHttpsAreRefused() throws Exception {
        assertThatThrownBy(() -> read(Map.of("elasticsearch.hosts", "https://es", "elasticsearch.username", "u"),
                Map.of("FABSTIR_ELASTICSEARCH_API_KEY", "k"))).hasMessageStartingWith("elasticsearch.username:");
        Path pem = Files.writeString(dir.resolve("ca.pem"), "x");
        assertThatThrownBy(() -> read(Map.of("elasticsearch.ca_file", pem.toString()), Map.of()))
                .hasMessageStartingWith("elasticsearch.ca_file: is set but no host");
        assertThatThrownBy(() -> read(Map.of("elasticsearch.hosts", "ftp://es"), Map.of()))
                .hasMessageStartingWith("elasticsearch.hosts:");
    }
}
