package io.fabstir.shipper.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushing over https to a Loki whose certificate is signed by a CA given as a PEM file. */
class LokiTlsTest {

    @Test
    void pushesOverHttpsTrustingTheConfiguredCaFileOnly(@TempDir Path dir) throws Exception {
        // A self-signed certificate for localhost, made with the JDK's keytool: it is its own CA.
        Path ks = dir.resolve("loki.p12");
        Path pem = dir.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "loki", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "loki", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", pem.toString());

        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(kmf.getKeyManagers(), null, null);

        try (LokiReceiver loki = LokiReceiver.openTls(server)) {
            RecordMapper mapper = new RecordMapper(LabelRules.defaults(), RecordMapper.DEFAULT_METADATA, 256 * 1024);
            LogEntry e = mapper.map(RecordMapperTest.doc(
                    "{\"@timestamp\":\"2026-11-24T07:00:00Z\",\"service.name\":\"s\",\"message\":\"over tls\"}", 1),
                    RecordMapperTest.NOBODY);

            LokiHttp trusting = new LokiHttp(LokiHttp.pushUri(loki.url()), null, null, pem, Duration.ofSeconds(10));
            assertThat(trusting.push(PushEncoder.of(PushFormat.PROTOBUF).encode(
                    PushBatch.split(List.of(e), 1 << 20, 10).get(0)), "application/x-protobuf").status()).isEqualTo(204);
            assertThat(loki.accepted()).singleElement().satisfies(a -> assertThat(a.line()).contains("over tls"));

            // Without the CA file the JVM's trust store is used, which does not know this certificate.
            LokiHttp defaultTrust = new LokiHttp(LokiHttp.pushUri(loki.url()), null, null, null, Duration.ofSeconds(10));
            LokiHttp.Response refused = defaultTrust.push(new byte[0], "application/x-protobuf");
            assertThat(refused.status()).isEqualTo(-1);
            assertThat(refused.retryable()).isTrue();
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
