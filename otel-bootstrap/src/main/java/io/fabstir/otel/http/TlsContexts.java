package io.fabstir.otel.http;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * HTTPS for the node's port, from PEM files ({@code fabstir.http.tls.cert-file}: the certificate chain,
 * {@code fabstir.http.tls.key-file}: its PKCS#8 private key) or a key store ({@code fabstir.http.tls.keystore-file},
 * type from {@code fabstir.http.tls.keystore-type} or the file name, password from
 * {@code fabstir.http.tls.keystore-password-file} or {@code FABSTIR_HTTP_TLS_KEYSTORE_PASSWORD}). Read and checked
 * at start, only when set: a bad file stops the start with the setting's name.
 */
final class TlsContexts {

  static final String CERT_FILE = "fabstir.http.tls.cert-file";
  static final String KEY_FILE = "fabstir.http.tls.key-file";
  static final String KEYSTORE_FILE = "fabstir.http.tls.keystore-file";
  static final String KEYSTORE_TYPE = "fabstir.http.tls.keystore-type";
  static final String KEYSTORE_PASSWORD_FILE = "fabstir.http.tls.keystore-password-file";
  static final String KEYSTORE_PASSWORD_ENV = "FABSTIR_HTTP_TLS_KEYSTORE_PASSWORD";

  private TlsContexts() {}

  /** The context the settings ask for, or null for plain HTTP. */
  static SSLContext from(ConfigProperties config) {
    String cert = blankToNull(config.getString(CERT_FILE));
    String key = blankToNull(config.getString(KEY_FILE));
    String keystore = blankToNull(config.getString(KEYSTORE_FILE));
    if (keystore != null && (cert != null || key != null)) {
      throw new ConfigurationException("set either " + KEYSTORE_FILE + " or " + CERT_FILE + " and " + KEY_FILE
          + ", not both");
    }
    if (keystore != null) {
      return fromKeyStore(config, keystore);
    }
    if (cert == null && key == null) {
      return null;
    }
    if (cert == null || key == null) {
      throw new ConfigurationException(CERT_FILE + " and " + KEY_FILE + " go together: set " + (cert == null ? CERT_FILE : KEY_FILE));
    }
    return fromPem(cert, key);
  }

  private static SSLContext fromPem(String certFile, String keyFile) {
    X509Certificate[] chain;
    try (InputStream in = Files.newInputStream(Path.of(certFile.strip()))) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      chain = certs.toArray(new X509Certificate[0]);
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigurationException(CERT_FILE + ": " + certFile + " holds no PEM certificate (" + e.getMessage() + ")", e);
    }
    if (chain.length == 0) {
      throw new ConfigurationException(CERT_FILE + ": " + certFile + " holds no PEM certificate");
    }
    String pem = new String(SecretFile.read(KEY_FILE, keyFile), StandardCharsets.US_ASCII);
    PrivateKey key = privateKey(pem, chain[0], keyFile);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      char[] none = new char[0];
      store.setKeyEntry("fabstir", key, none, chain);
      return context(store, none);
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigurationException(KEY_FILE + ": cannot use the key with " + CERT_FILE + " (" + e.getMessage() + ")", e);
    }
  }

  private static PrivateKey privateKey(String pem, X509Certificate cert, String keyFile) {
    if (pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY-----")
        || pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
      throw new ConfigurationException(KEY_FILE + ": " + keyFile + " is not an unencrypted PKCS#8 key; convert it: "
          + "openssl pkcs8 -topk8 -nocrypt -in " + keyFile + " -out key.pk8.pem");
    }
    String begin = "-----BEGIN PRIVATE KEY-----";
    int b = pem.indexOf(begin);
    int e = pem.indexOf("-----END PRIVATE KEY-----");
    if (b < 0 || e < b) {
      throw new ConfigurationException(KEY_FILE + ": " + keyFile + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
    } catch (IllegalArgumentException x) {
      throw new ConfigurationException(KEY_FILE + ": " + keyFile + " is not valid base64 PEM", x);
    }
    String algorithm = cert.getPublicKey().getAlgorithm();
    PrivateKey key;
    try {
      key = KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
    } catch (GeneralSecurityException x) {
      throw new ConfigurationException(KEY_FILE + ": " + keyFile + " is not a " + algorithm
          + " key like the certificate of " + CERT_FILE + " (" + x.getMessage() + ")", x);
    }
    if (!matches(key, cert)) {
      throw new ConfigurationException(KEY_FILE + ": " + keyFile + " is not the private key of the certificate in "
          + CERT_FILE);
    }
    return key;
  }

  /** Signs a probe with the key and checks it with the certificate: a mismatch would only show at a handshake. */
  private static boolean matches(PrivateKey key, X509Certificate cert) {
    String algorithm = switch (key.getAlgorithm().toUpperCase(Locale.ROOT)) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "ED25519", "EDDSA" -> "Ed25519";
      default -> null;
    };
    if (algorithm == null) {
      return true; // nothing to probe with; the handshake will tell
    }
    try {
      byte[] probe = "fabstir".getBytes(StandardCharsets.US_ASCII);
      Signature sign = Signature.getInstance(algorithm);
      sign.initSign(key);
      sign.update(probe);
      byte[] signature = sign.sign();
      Signature verify = Signature.getInstance(algorithm);
      verify.initVerify(cert.getPublicKey());
      verify.update(probe);
      return verify.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static SSLContext fromKeyStore(ConfigProperties config, String file) {
    Path path = SecretFile.check(KEYSTORE_FILE, file);
    String type = blankToNull(config.getString(KEYSTORE_TYPE));
    if (type == null) {
      String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
      type = name.endsWith(".jks") ? "JKS" : "PKCS12";
    }
    char[] password = password(config);
    try {
      KeyStore store = KeyStore.getInstance(type);
      store.load(new ByteArrayInputStream(SecretFile.read(KEYSTORE_FILE, file)), password);
      if (!store.aliases().hasMoreElements()) {
        throw new ConfigurationException(KEYSTORE_FILE + ": " + path + " holds no key");
      }
      return context(store, password);
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigurationException(KEYSTORE_FILE + ": cannot open " + path + " as " + type + " ("
          + e.getMessage() + "; the password comes from " + KEYSTORE_PASSWORD_FILE + " or " + KEYSTORE_PASSWORD_ENV
          + ", the type from " + KEYSTORE_TYPE + ")", e);
    }
  }

  private static char[] password(ConfigProperties config) {
    String file = blankToNull(config.getString(KEYSTORE_PASSWORD_FILE));
    if (file != null) {
      return SecretFile.firstLine(KEYSTORE_PASSWORD_FILE, file).toCharArray();
    }
    String env = System.getenv(KEYSTORE_PASSWORD_ENV);
    return env == null ? new char[0] : env.toCharArray();
  }

  private static SSLContext context(KeyStore store, char[] password) throws GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(kmf.getKeyManagers(), null, null);
    return context;
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
