package io.fabstir.shipper.security;

import io.fabstir.shipper.config.ConfigException;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** PEM files given in the settings: CA certificates to trust, a client certificate chain and its private key. */
public final class PemFiles {

    private PemFiles() {
    }

    /** The X.509 certificates in a PEM file; none, or an unreadable file, is an error naming {@code key}. */
    public static List<X509Certificate> certificates(String key, Path file) {
        if (!Files.isReadable(file)) {
            throw new ConfigException(key, "cannot read " + file);
        }
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
        } catch (IOException | CertificateException e) {
            throw new ConfigException(key, file + " is not a PEM certificate file: " + e.getMessage());
        }
        if (out.isEmpty()) {
            throw new ConfigException(key, "no certificate in " + file + " (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /** A TLS context that trusts exactly the certificates in {@code caFile} (not the JVM's default CAs). */
    public static SSLContext trusting(String key, Path caFile) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (X509Certificate c : certificates(key, caFile)) {
                trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(key, "cannot use " + caFile + " as trusted CA: " + e.getMessage());
        }
    }

    /** The text of an unencrypted PKCS#8 PEM private key ({@code -----BEGIN PRIVATE KEY-----}). */
    public static String privateKey(String key, Path file) {
        String pem = text(key, file);
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            return pem;
        }
        if (!pem.contains("-----BEGIN PRIVATE KEY-----")) {
            throw new ConfigException(key, file + " is not a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----); "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in old.key -out new.key");
        }
        return pem;
    }

    /** The file's text, after checking it holds certificates. */
    public static String certificateChain(String key, Path file) {
        certificates(key, file);
        return text(key, file);
    }

    private static String text(String key, Path file) {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new ConfigException(key, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
