package io.fabstir.localservices;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.fabstir.localservices.tls.IssuedCertificate;
import io.fabstir.localservices.tls.TestCa;

/**
 * How a local Elasticsearch is secured (give it to {@link LocalElasticsearch.Builder#security} or
 * {@link ElasticsearchCluster.Builder#security}): {@code xpack.security.enabled}, HTTPS and transport TLS with a
 * certificate of the {@link TestCa} ({@code elasticsearch-node}, valid for 127.0.0.1 and localhost), and the password
 * of the built-in superuser {@code elastic}, set as {@code bootstrap.password} in each node's
 * {@code elasticsearch.keystore}.
 */
public final class ElasticsearchSecurity {
    public static final String ELASTIC_USER = "elastic";
    static final String NODE_CERT = "elasticsearch-node";

    private final TestCa ca;
    private final String elasticPassword;
    private final IssuedCertificate nodeCertificate;
    private Path keystore;

    private ElasticsearchSecurity(TestCa ca, String elasticPassword) {
        this.ca = ca;
        this.elasticPassword = elasticPassword;
        this.nodeCertificate = ca.server(NODE_CERT);
    }

    /** Secured with a random {@code elastic} password. */
    public static ElasticsearchSecurity of(TestCa ca) {
        byte[] pw = new byte[12];
        new SecureRandom().nextBytes(pw);
        return of(ca, HexFormat.of().formatHex(pw));
    }

    /** Secured with the given {@code elastic} password (at least 6 characters). */
    public static ElasticsearchSecurity of(TestCa ca, String elasticPassword) {
        if (elasticPassword == null || elasticPassword.length() < 6 || elasticPassword.contains("\n")) {
            throw new IllegalArgumentException("the elastic password needs 6+ characters on one line");
        }
        return new ElasticsearchSecurity(ca, elasticPassword);
    }

    public TestCa ca() {
        return ca;
    }

    public String elasticPassword() {
        return elasticPassword;
    }

    /** The nodes' certificate (HTTP and transport). */
    public IssuedCertificate nodeCertificate() {
        return nodeCertificate;
    }

    /** The elasticsearch.yml lines, with the certificate files under {@code config/certs/}. */
    static String yaml() {
        StringBuilder y = new StringBuilder("xpack.security.enabled: true\n")
                .append("xpack.security.authc.api_key.enabled: true\n");
        for (String layer : List.of("http", "transport")) {
            String p = "xpack.security." + layer + ".ssl.";
            y.append(p).append("enabled: true\n")
                    .append(p).append("key: certs/node.key\n")
                    .append(p).append("certificate: certs/node.crt\n")
                    .append(p).append("certificate_authorities: [ \"certs/ca.crt\" ]\n");
        }
        return y.append("xpack.security.transport.ssl.verification_mode: full\n").toString();
    }

    /** Copies the certificates and the keystore (made once, by the distribution's own CLI) into a node's config. */
    void install(Path config, Path home, Path javaHome) throws IOException {
        Path certs = config.resolve("certs");
        Files.createDirectories(certs);
        Files.copy(ca.certificatePem(), certs.resolve("ca.crt"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(nodeCertificate.certificatePem(), certs.resolve("node.crt"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(nodeCertificate.keyPem(), certs.resolve("node.key"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(keystore(config, home, javaHome), config.resolve("elasticsearch.keystore"),
                StandardCopyOption.REPLACE_EXISTING);
    }

    private synchronized Path keystore(Path config, Path home, Path javaHome) throws IOException {
        if (keystore != null && Files.exists(keystore)) return keystore;
        Path made = config.resolve("elasticsearch.keystore");
        Files.deleteIfExists(made);
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/elasticsearch-keystore").toString(), "add", "-x", "-f",
                "bootstrap.password").redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("ES_JAVA_HOME", javaHome.toString());
        env.remove("JAVA_HOME");
        env.put("ES_PATH_CONF", config.toString());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(elasticPassword.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0 || !Files.exists(made)) {
                p.destroyForcibly();
                throw new IllegalStateException("elasticsearch-keystore add bootstrap.password failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        keystore = Files.createTempFile(ca.dir(), "elasticsearch-", ".keystore");
        Files.copy(made, keystore, StandardCopyOption.REPLACE_EXISTING);
        return keystore;
    }
}
