package io.fabstir.localservices;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.fabstir.localservices.tls.IssuedCertificate;
import io.fabstir.localservices.tls.TestCa;

/**
 * How a local Kafka is secured (give it to {@link LocalKafka.Builder#security} or {@link KafkaCluster.Builder#security}):
 * <ul>
 *   <li>a {@code SASL_SSL} listener with SCRAM-SHA-512 for clients; the users given here are created when the storage
 *       is formatted, more can be added and removed at run time ({@link SecureKafka#addUser});</li>
 *   <li>an {@code MTLS} listener (TLS, client certificate required) for mTLS clients and the brokers' own traffic; a
 *       certificate {@code CN=node-a,...} is the principal {@code User:node-a};</li>
 *   <li>the controller listener on TLS with client certificates too, so no listener accepts an anonymous peer;</li>
 *   <li>the {@code StandardAuthorizer} with {@code allow.everyone.if.no.acl.found=false}: only the super users
 *       ({@value #ADMIN_USER} and the brokers' {@value #BROKER_NAME}) may do anything without an ACL.</li>
 * </ul>
 * All certificates come from one {@link TestCa}; the brokers' certificate ({@code kafka-broker.*}) is issued into the
 * CA's directory when this object is built.
 */
public final class KafkaSecurity {
    /** The SCRAM super user that tests and {@link SecureKafka#admin()} use. */
    public static final String ADMIN_USER = "admin";
    /** The common name of the brokers' certificate, a super user (inter-broker and controller links). */
    public static final String BROKER_NAME = "kafka-broker";
    public static final String SCRAM_MECHANISM = "SCRAM-SHA-512";
    /** Maps a certificate's {@code CN=x,...} distinguished name to the principal {@code User:x}. */
    public static final String PRINCIPAL_MAPPING_RULES = "RULE:^CN=([^,]+),.*$/$1/,DEFAULT";
    static final String SASL_LISTENER = "SASL_SSL";
    static final String MTLS_LISTENER = "MTLS";

    private final TestCa ca;
    private final Map<String, String> users;
    private final IssuedCertificate brokerCertificate;

    private KafkaSecurity(TestCa ca, Map<String, String> users) {
        this.ca = ca;
        this.users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
        this.brokerCertificate = ca.server(BROKER_NAME);
    }

    /** Secured with only the admin user (random password). */
    public static KafkaSecurity of(TestCa ca) {
        return builder(ca).build();
    }

    public static Builder builder(TestCa ca) {
        return new Builder(ca);
    }

    /** Options of a secured Kafka. */
    public static final class Builder {
        private final TestCa ca;
        private final Map<String, String> users = new LinkedHashMap<>();

        private Builder(TestCa ca) {
            this.ca = ca;
            byte[] pw = new byte[12];
            new SecureRandom().nextBytes(pw);
            users.put(ADMIN_USER, HexFormat.of().formatHex(pw));
        }

        /** A SCRAM-SHA-512 user created when the storage is formatted (before the first start). */
        public Builder user(String name, String password) {
            users.put(checkName(name), checkPassword(password));
            return this;
        }

        /** The admin's password (default: random). */
        public Builder adminPassword(String password) {
            users.put(ADMIN_USER, checkPassword(password));
            return this;
        }

        public KafkaSecurity build() {
            return new KafkaSecurity(ca, users);
        }
    }

    public TestCa ca() {
        return ca;
    }

    /** The users made at format time, admin included: name to password. */
    public Map<String, String> users() {
        return users;
    }

    public String adminPassword() {
        return users.get(ADMIN_USER);
    }

    /** The brokers' certificate (CN {@value #BROKER_NAME}), also a client certificate with super-user rights. */
    public IssuedCertificate brokerCertificate() {
        return brokerCertificate;
    }

    /** {@code kafka-storage format} arguments that add the SCRAM users to the bootstrap metadata. */
    List<String> formatArguments() {
        List<String> args = new ArrayList<>();
        users.forEach((name, password) -> {
            args.add("--add-scram");
            args.add(SCRAM_MECHANISM + "=[name=" + name + ",iterations=4096,password=\"" + password + "\"]");
        });
        return args;
    }

    /** TLS, SASL and authorizer settings shared by every node (controller and brokers). */
    void applyTo(Properties p) {
        p.setProperty("ssl.keystore.type", "PKCS12");
        p.setProperty("ssl.keystore.location", brokerCertificate.keystore().toString());
        p.setProperty("ssl.keystore.password", brokerCertificate.storePassword());
        p.setProperty("ssl.key.password", brokerCertificate.storePassword());
        p.setProperty("ssl.truststore.type", "PKCS12");
        p.setProperty("ssl.truststore.location", ca.truststore().toString());
        p.setProperty("ssl.truststore.password", ca.storePassword());
        p.setProperty("ssl.principal.mapping.rules", PRINCIPAL_MAPPING_RULES);
        p.setProperty("listener.name.controller.ssl.client.auth", "required");
        p.setProperty("listener.name." + MTLS_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".ssl.client.auth", "required");
        p.setProperty("sasl.enabled.mechanisms", SCRAM_MECHANISM);
        p.setProperty("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        p.setProperty("allow.everyone.if.no.acl.found", "false");
        p.setProperty("super.users", "User:" + ADMIN_USER + ";User:" + BROKER_NAME);
    }

    static String checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("user name must match [A-Za-z0-9._-]+: " + name);
        }
        return name;
    }

    static String checkPassword(String password) {
        if (password == null || password.isEmpty() || password.contains("\"") || password.contains("\\")) {
            throw new IllegalArgumentException("password must be non-empty, without '\"' or '\\'");
        }
        return password;
    }
}
