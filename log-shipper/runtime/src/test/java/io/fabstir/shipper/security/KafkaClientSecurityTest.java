package io.fabstir.shipper.security;

import io.fabstir.localservices.tls.IssuedCertificate;
import io.fabstir.localservices.tls.TestCa;
import io.fabstir.shipper.config.ConfigException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code kafka.security.*} settings: the client properties they make, and every refusal naming its key. */
class KafkaClientSecurityTest {
    @TempDir
    static Path dir;
    static TestCa ca;
    static Path password;

    @BeforeAll
    static void files() throws Exception {
        ca = TestCa.create(dir.resolve("ca"));
        password = Files.writeString(dir.resolve("pw"), "s3cr\"et\\x\n");
    }

    private static KafkaClientSecurity read(Map<String, String> values) {
        return read(values, Map.of());
    }

    private static KafkaClientSecurity read(Map<String, String> values, Map<String, String> env) {
        return KafkaClientSecurity.read(ConfigSource.of(values, env));
    }

    @Test
    void nothingSetIsPlaintextWithoutProperties() {
        KafkaClientSecurity s = read(Map.of());
        assertThat(s.protocol()).isEqualTo(KafkaClientSecurity.Protocol.PLAINTEXT);
        assertThat(s.clientProperties()).isEmpty();
        assertThat(s.authenticated()).isFalse();
    }

    @Test
    void usernameAndPasswordFileMakeScramOverTlsWithAJaasLineKafkaParses() {
        KafkaClientSecurity s = read(Map.of("kafka.security.username", "node-7",
                "kafka.security.password_file", password.toString(),
                "kafka.security.ca_file", ca.certificatePem().toString()));
        Map<String, String> p = s.clientProperties();
        assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.type", "PEM")
                .containsEntry("ssl.truststore.location", ca.certificatePem().toString());
        // The password's quote and backslash survive Kafka's own JAAS parser.
        var entry = JaasContext.loadClientContext(Map.of("sasl.jaas.config",
                new org.apache.kafka.common.config.types.Password(p.get("sasl.jaas.config"))))
                .configurationEntries().get(0);
        assertThat(entry.getOptions().get("username")).isEqualTo("node-7");
        assertThat(entry.getOptions().get("password")).isEqualTo("s3cr\"et\\x");
        assertThat(s.principal()).isEqualTo("User:node-7");
        assertThat(s.toString()).doesNotContain("s3cr");
    }

    @Test
    void passwordFromTheEnvironment() {
        KafkaClientSecurity s = read(Map.of("kafka.security.username", "node-7"),
                Map.of("FABSTIR_KAFKA_SECURITY_PASSWORD", "from-env"));
        assertThat(s.clientProperties().get("sasl.jaas.config")).contains("password=\"from-env\"");
    }

    @Test
    void passwordInTwoPlacesIsRefused() {
        assertThatThrownBy(() -> read(Map.of("kafka.security.username", "u", "kafka.security.password_file",
                password.toString()), Map.of("FABSTIR_KAFKA_SECURITY_PASSWORD", "x")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("kafka.security.password_file:");
    }

    @Test
    void usernameWithoutPasswordNamesThePasswordFile() {
        assertThatThrownBy(() -> read(Map.of("kafka.security.username", "node-7")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka.security.password_file: is required for user node-7");
    }

    @Test
    void missingOrEmptyPasswordFileIsNamed() throws Exception {
        assertThatThrownBy(() -> read(Map.of("kafka.security.username", "u",
                "kafka.security.password_file", dir.resolve("nope").toString())))
                .hasMessageStartingWith("kafka.security.password_file: cannot read");
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThatThrownBy(() -> read(Map.of("kafka.security.username", "u",
                "kafka.security.password_file", empty.toString())))
                .hasMessageStartingWith("kafka.security.password_file:").hasMessageContaining("is empty");
    }

    @Test
    void credentialsOverPlaintextAreRefusedUnlessAllowed() {
        assertThatThrownBy(() -> read(Map.of("kafka.security.protocol", "plaintext",
                "kafka.security.username", "u", "kafka.security.password_file", password.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka.security.username:").hasMessageContaining("SASL_SSL");
        Map<String, String> saslPlain = Map.of("kafka.security.protocol", "SASL_PLAINTEXT",
                "kafka.security.username", "u", "kafka.security.password_file", password.toString());
        assertThatThrownBy(() -> read(saslPlain)).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("kafka.security.protocol:").hasMessageContaining("kafka.security.allow_plaintext");
        Map<String, String> allowed = new HashMap<>(saslPlain);
        allowed.put("kafka.security.allow_plaintext", "true");
        assertThat(read(allowed).clientProperties()).containsEntry("security.protocol", "SASL_PLAINTEXT");
    }

    @Test
    void rawSaslPlaintextIsRefusedToo() {
        KafkaClientSecurity s = read(Map.of());
        assertThatThrownBy(() -> s.checkPassThrough("kafka.producer", Map.of("security.protocol", "SASL_PLAINTEXT"),
                Map.of())).hasMessageStartingWith("kafka.producer: security.protocol=SASL_PLAINTEXT");
    }

    @Test
    void aSecretBearingPropertyOnTheCommandLineIsRefused() {
        KafkaClientSecurity s = read(Map.of());
        Map<String, String> flags = Map.of("consumer.sasl.jaas.config", "x required password=\"p\";");
        assertThatThrownBy(() -> s.checkPassThrough("kafka.properties", flags, flags))
                .hasMessageStartingWith("kafka.properties: consumer.sasl.jaas.config carries a secret")
                .hasMessageContaining("kafka.security.password_file");
        // from the YAML file it is the escape hatch, and allowed
        s.checkPassThrough("kafka.properties", flags, Map.of());
    }

    @Test
    void clientCertificateAndKeyMakeMutualTlsWithThePemContents() {
        IssuedCertificate cert = ca.client("node-9");
        KafkaClientSecurity s = read(Map.of("kafka.security.cert_file", cert.certificatePem().toString(),
                "kafka.security.key_file", cert.keyPem().toString(),
                "kafka.security.ca_file", ca.certificatePem().toString()));
        assertThat(s.protocol()).isEqualTo(KafkaClientSecurity.Protocol.SSL);
        assertThat(s.clientProperties()).containsEntry("ssl.keystore.type", "PEM")
                .doesNotContainKey("sasl.jaas.config").doesNotContainKey("ssl.key.password");
        assertThat(s.clientProperties().get("ssl.keystore.key")).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(s.clientProperties().get("ssl.keystore.certificate.chain")).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(s.principal()).startsWith("CN=node-9");
    }

    @Test
    void aCertificateWithoutItsKeyOrAnAnonymousSslConnectionIsRefused() {
        IssuedCertificate cert = ca.client("node-10");
        assertThatThrownBy(() -> read(Map.of("kafka.security.cert_file", cert.certificatePem().toString())))
                .hasMessageStartingWith("kafka.security.key_file: is required");
        assertThatThrownBy(() -> read(Map.of("kafka.security.protocol", "SSL")))
                .hasMessageStartingWith("kafka.security.cert_file: is required");
        assertThatThrownBy(() -> read(Map.of("kafka.security.ca_file", ca.certificatePem().toString())))
                .hasMessageStartingWith("kafka.security.ca_file: is set but kafka.security.protocol is PLAINTEXT");
    }

    @Test
    void aFileThatIsNoCertificateIsNamed() {
        assertThatThrownBy(() -> read(Map.of("kafka.security.username", "u", "kafka.security.password_file",
                password.toString(), "kafka.security.ca_file", password.toString())))
                .hasMessageStartingWith("kafka.security.ca_file:");
    }

    @Test
    void kafkaRefusalsNameTheSettingToFix() {
        KafkaClientSecurity s = read(Map.of("kafka.security.username", "node-7",
                "kafka.security.password_file", password.toString(),
                "kafka.security.ca_file", ca.certificatePem().toString()));
        assertThat(s.explain(new RuntimeException(new SaslAuthenticationException("invalid credentials"))).key())
                .isEqualTo("kafka.security.password_file");
        ConfigException tls = s.explain(new SslAuthenticationException("SSL handshake failed",
                new SSLHandshakeException("PKIX path building failed")));
        assertThat(tls.key()).isEqualTo("kafka.security.ca_file");
        assertThat(tls.getMessage()).contains(ca.certificatePem().toString());
        assertThat(s.explain(new TopicAuthorizationException(Set.of("fabstir.logs.node-8"))).getMessage())
                .startsWith("kafka.topic: User:node-7 is not allowed on topic(s) [fabstir.logs.node-8]");
        assertThat(s.explain(new org.apache.kafka.common.errors.TimeoutException("broker down"))).isNull();
    }
}
