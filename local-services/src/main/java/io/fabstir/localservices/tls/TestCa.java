package io.fabstir.localservices.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority made in this process for tests: a self-signed CA and the server and client certificates it
 * issues, written as PEM and PKCS12 files into a directory the caller owns. Keys are EC P-256 (fast to make).
 *
 * <p>Files in {@link #dir()}: {@code ca.crt} (the CA certificate, PEM), {@code truststore.p12} (the CA certificate as a
 * PKCS12 trust store) and {@code store.password} (the password of every PKCS12 file of this CA); per issued
 * certificate see {@link IssuedCertificate}. A second {@code TestCa} in another directory is an unrelated CA, for
 * "wrong CA" tests.
 */
public final class TestCa {
    /** How long issued certificates are valid from now (and one hour before now, for clock skew). */
    public static final Duration VALIDITY = Duration.ofDays(30);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final String name;
    private final KeyPair keys;
    private final X509Certificate certificate;
    private final String storePassword;

    private TestCa(Path dir, String name, KeyPair keys, X509Certificate certificate, String storePassword) {
        this.dir = dir;
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
        this.storePassword = storePassword;
    }

    /** A new CA named "Fabstir Test CA" whose files go to {@code dir} (created if missing). */
    public static TestCa create(Path dir) {
        return create(dir, "Fabstir Test CA");
    }

    /** A new CA with the given common name whose files go to {@code dir} (created if missing). */
    public static TestCa create(Path dir, String commonName) {
        try {
            Files.createDirectories(dir);
            KeyPair keys = newKeyPair();
            Instant now = Instant.now();
            X500Name subject = subject(commonName);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY.multipliedBy(2))), subject,
                    keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate cert = sign(b, keys.getPrivate());
            byte[] pw = new byte[12];
            RANDOM.nextBytes(pw);
            TestCa ca = new TestCa(dir.toAbsolutePath(), commonName, keys, cert, HexFormat.of().formatHex(pw));
            ca.writeCaFiles();
            return ca;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the test CA into " + dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the test CA", e);
        }
    }

    /**
     * A server certificate {@code CN=name,O=Fabstir Test} for {@code 127.0.0.1}, {@code ::1} and {@code localhost}.
     * It also carries the client-auth usage, so the same certificate serves a broker's or node's inter-node links.
     */
    public IssuedCertificate server(String name) {
        return issue(name, true, false);
    }

    /** A client certificate {@code CN=name,O=Fabstir Test} (mTLS; Kafka maps it to {@code User:name}). */
    public IssuedCertificate client(String name) {
        return issue(name, false, false);
    }

    /** A certificate like {@link #server(String)} (usable as client too) whose validity ended a day ago. */
    public IssuedCertificate expired(String name) {
        return issue(name, true, true);
    }

    /** The directory holding this CA's files. */
    public Path dir() {
        return dir;
    }

    /** The CA's common name. */
    public String name() {
        return name;
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** {@code ca.crt}: the CA certificate as PEM (Kafka {@code ssl.truststore.type=PEM}, ES {@code certificate_authorities}). */
    public Path certificatePem() {
        return dir.resolve("ca.crt");
    }

    /** {@code truststore.p12}: a PKCS12 trust store holding the CA certificate, password {@link #storePassword()}. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** The password of the trust store and of every PKCS12 key store this CA wrote. */
    public String storePassword() {
        return storePassword;
    }

    /** {@code store.password}: {@link #storePassword()} in a file, for configurations that take secrets from files. */
    public Path storePasswordFile() {
        return dir.resolve("store.password");
    }

    /** A TLS context that trusts this CA only (for HTTP clients in tests). */
    public SSLContext sslContext() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", certificate);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), RANDOM);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context for " + name, e);
        }
    }

    private synchronized IssuedCertificate issue(String cn, boolean server, boolean expired) {
        if (!SAFE_NAME.matcher(cn).matches()) {
            throw new IllegalArgumentException("certificate name must match " + SAFE_NAME + " (it names files): " + cn);
        }
        try {
            KeyPair leaf = newKeyPair();
            Instant now = Instant.now();
            Instant from = expired ? now.minus(Duration.ofDays(2)) : now.minus(Duration.ofHours(1));
            Instant to = expired ? now.minus(Duration.ofDays(1)) : now.plus(VALIDITY);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            KeyPurposeId[] purposes = server
                    ? new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}
                    : new KeyPurposeId[] {KeyPurposeId.id_kp_clientAuth};
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(certificate, serial(), Date.from(from),
                    Date.from(to), subject(cn), leaf.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leaf.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(certificate));
            if (server) {
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                        new GeneralName(GeneralName.iPAddress, "::1"),
                        new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            X509Certificate cert = sign(b, keys.getPrivate());
            IssuedCertificate issued = new IssuedCertificate(cn, cert, leaf.getPrivate(), dir.resolve(cn + ".crt"),
                    dir.resolve(cn + ".key"), dir.resolve(cn + ".pem"), dir.resolve(cn + ".p12"), storePassword);
            writeIssued(issued);
            return issued;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write certificate " + cn + " into " + dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue certificate " + cn, e);
        }
    }

    private void writeCaFiles() throws IOException, GeneralSecurityException {
        Files.writeString(certificatePem(), pem(certificate));
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificate);
        store(trust, truststore());
        Files.writeString(storePasswordFile(), storePassword);
    }

    private void writeIssued(IssuedCertificate c) throws IOException, GeneralSecurityException {
        String certPem = pem(c.certificate());
        String keyPem = pem(new JcaPKCS8Generator(c.privateKey(), null));
        Files.writeString(c.certificatePem(), certPem);
        writePrivate(c.keyPem(), keyPem);
        // Kafka's PEM key store wants the key and the chain in one file.
        writePrivate(c.keyAndChainPem(), keyPem + certPem + pem(certificate));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry(c.name(), c.privateKey(), storePassword.toCharArray(),
                new java.security.cert.Certificate[] {c.certificate(), certificate});
        store(ks, c.keystore());
    }

    private void store(KeyStore ks, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            ks.store(out, storePassword.toCharArray());
        }
    }

    private static void writePrivate(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // best effort outside POSIX file systems
        }
    }

    private static String pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString();
    }

    /** Encoded O first, so that Java (RFC 2253, last RDN first) names it {@code CN=name,O=Fabstir Test}. */
    private static X500Name subject(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Fabstir Test").addRDN(BCStyle.CN, commonName)
                .build();
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey caKey)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(caKey);
        return new JcaX509CertificateConverter().getCertificate(b.build(signer));
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }
}
