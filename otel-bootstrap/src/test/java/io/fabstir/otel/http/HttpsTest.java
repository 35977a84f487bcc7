package io.fabstir.otel.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS on the node's port from PEM files made by openssl and from a PKCS#12 key store made by keytool. */
class HttpsTest {

  private static final String TOKEN = "tok-" + "a1b2c3d4e5f60718293a";

  @TempDir Path dir;

  @Test
  void servesHttpsFromAPemCertificateAndKey() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost",
        "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Path token = NodePort.secretFile(dir, "token", TOKEN);

    try (NodePort node = NodePort.start(Map.of("fabstir.http.tls.cert-file", cert.toString(),
        "fabstir.http.tls.key-file", key.toString(), "fabstir.http.auth.token-file", token.toString()),
        "https", trusting(cert))) {
      assertThat(node.get("/metrics", "Authorization", "Bearer " + TOKEN).body()).contains("fabstir_health_status");
      assertThat(node.get("/metrics").statusCode()).isEqualTo(401);
    }
  }

  @Test
  void servesHttpsFromAPkcs12KeyStoreWithItsPasswordFromAFile() throws Exception {
    Path store = keyStore();
    Path cert = dir.resolve("node.crt");
    run("keytool", "-exportcert", "-rfc", "-alias", "node", "-keystore", store.toString(), "-storepass",
        "changeit-123", "-file", cert.toString());
    Path password = NodePort.secretFile(dir, "password", "changeit-123\n");

    try (NodePort node = NodePort.start(Map.of("fabstir.http.tls.keystore-file", store.toString(),
        "fabstir.http.tls.keystore-password-file", password.toString()), "https", trusting(cert))) {
      assertThat(node.get("/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aWrongKeyStorePasswordStopsTheStartNamingTheKeys() throws Exception {
    Path store = keyStore();
    Path password = NodePort.secretFile(dir, "password", "not-the-password");
    assertThatThrownBy(() -> NodePort.start(Map.of("fabstir.http.tls.keystore-file", store.toString(),
        "fabstir.http.tls.keystore-password-file", password.toString())))
        .hasStackTraceContaining("fabstir.http.tls.keystore-file: cannot open")
        .hasStackTraceContaining("fabstir.http.tls.keystore-password-file");
  }

  @Test
  void aKeyThatIsNotTheCertificatesStopsTheStart() throws Exception {
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    Path other = dir.resolve("other.pem");
    run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=localhost");
    run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", other.toString());
    Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
    assertThatThrownBy(() -> NodePort.start(Map.of("fabstir.http.tls.cert-file", cert.toString(),
        "fabstir.http.tls.key-file", other.toString())))
        .hasStackTraceContaining("fabstir.http.tls.key-file").hasStackTraceContaining("is not the private key");
  }

  /** A PKCS#12 key store made by keytool: an EC key for 127.0.0.1, password changeit-123, owner-only. */
  private Path keyStore() throws Exception {
    Path store = dir.resolve("node.p12");
    run("keytool", "-genkeypair", "-alias", "node", "-keyalg", "EC", "-groupname", "secp256r1", "-keystore",
        store.toString(), "-storetype", "PKCS12", "-storepass", "changeit-123", "-dname", "CN=localhost",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2");
    Files.setPosixFilePermissions(store, PosixFilePermissions.fromString("rw-------"));
    return store;
  }

  private static HttpClient trusting(Path pem) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trust.setCertificateEntry("c" + i++, c);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, tmf.getTrustManagers(), null);
    return HttpClient.newBuilder().sslContext(context).build();
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).as(String.join(" ", cmd) + ": " + out).isTrue();
  }
}
