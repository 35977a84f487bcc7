package io.fabstir.localservices.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateExpiredException;
import java.security.cert.X509Certificate;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCaTest {

    @Test
    void serverCertificateNamesLoopbackAndIsSignedByTheCa(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir);
        IssuedCertificate server = ca.server("broker");
        server.certificate().verify(ca.certificate().getPublicKey());
        server.certificate().checkValidity();
        List<String> names = server.certificate().getSubjectAlternativeNames().stream()
                .map(n -> String.valueOf(n.get(1))).toList();
        assertThat(names).contains("127.0.0.1", "localhost");
        assertThat(server.certificate().getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
    }

    @Test
    void clientCertificateSubjectReadsCommonNameFirst(@TempDir Path dir) {
        // Kafka's principal mapping rule matches ^CN=([^,]+),.*$ on the RFC 2253 form.
        IssuedCertificate client = TestCa.create(dir).client("node-a");
        assertThat(client.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=node-a,O=Fabstir Test");
    }

    @Test
    void expiredCertificateFailsItsValidityCheck(@TempDir Path dir) {
        X509Certificate expired = TestCa.create(dir).expired("old").certificate();
        assertThatThrownBy(expired::checkValidity).isInstanceOf(CertificateExpiredException.class);
    }

    @Test
    void filesAreWrittenAsPemAndPkcs12WithTheStorePassword(@TempDir Path dir) throws Exception {
        TestCa ca = TestCa.create(dir);
        IssuedCertificate c = ca.client("node-b");
        assertThat(Files.readString(ca.certificatePem())).startsWith("-----BEGIN CERTIFICATE-----");
        assertThat(Files.readString(c.keyPem())).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(c.keyAndChainPem())).contains("PRIVATE KEY", "BEGIN CERTIFICATE");
        assertThat(Files.readString(ca.storePasswordFile())).isEqualTo(ca.storePassword());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(c.keystore())) {
            ks.load(in, ca.storePassword().toCharArray());
        }
        assertThat(ks.getCertificateChain("node-b")).hasSize(2);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ca.truststore())) {
            trust.load(in, ca.storePassword().toCharArray());
        }
        assertThat(trust.getCertificate("ca")).isEqualTo(ca.certificate());
    }

    @Test
    void anotherCaDoesNotVerifyThisCasCertificates(@TempDir Path dir) {
        IssuedCertificate c = TestCa.create(dir.resolve("a")).server("s");
        TestCa other = TestCa.create(dir.resolve("b"), "Other CA");
        assertThatThrownBy(() -> c.certificate().verify(other.certificate().getPublicKey()))
                .isInstanceOf(java.security.SignatureException.class);
    }
}
