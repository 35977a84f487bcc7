package io.fabstir.shipper.security;

import io.fabstir.shipper.config.ConfigException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How a shipper authenticates to Kafka, from the {@code kafka.security.*} settings: SASL (SCRAM-SHA-512 by default)
 * over TLS with a username and a password file, or mutual TLS with a client certificate and key (the certificate's
 * CN is the principal), trusting the CA file given. {@link #clientProperties()} are the Kafka client properties it
 * amounts to (JAAS line included); raw client properties given as well are applied after them, as the escape hatch.
 *
 * <p>Refused at start, each naming its key: a credential over a plaintext connection ({@code SASL_PLAINTEXT}) unless
 * {@code kafka.security.allow_plaintext} is true; a username without a password (or the other way round); a
 * certificate without its key; TLS files with a protocol that does not use TLS; a secret-bearing raw property given
 * on the command line ({@link #refuseSecretsOnCommandLine}).
 *
 * <pre>{@code
 * KafkaClientSecurity sec = KafkaClientSecurity.read(ConfigSource.of(settings, System.getenv()));
 * Map<String, Object> props = new HashMap<>(sec.clientProperties()); // + bootstrap.servers, serializers ...
 * }</pre>
 */
public final class KafkaClientSecurity {

    /** {@code security.protocol} of the Kafka client. */
    public enum Protocol { PLAINTEXT, SSL, SASL_SSL, SASL_PLAINTEXT }

    public static final String PROTOCOL = "kafka.security.protocol";
    public static final String MECHANISM = "kafka.security.mechanism";
    public static final String USERNAME = "kafka.security.username";
    /** The password itself is the secret {@code kafka.security.password}: this file or FABSTIR_KAFKA_SECURITY_PASSWORD. */
    public static final String PASSWORD_FILE = "kafka.security.password_file";
    public static final String CA_FILE = "kafka.security.ca_file";
    public static final String CERT_FILE = "kafka.security.cert_file";
    public static final String KEY_FILE = "kafka.security.key_file";
    public static final String KEY_PASSWORD_FILE = "kafka.security.key_password_file";
    public static final String ALLOW_PLAINTEXT = "kafka.security.allow_plaintext";

    /** The keys with what each means (for {@code --help} texts and a settings loader's list of known keys). */
    public static final Map<String, String> KEYS = keys();

    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN");
    /** Raw client properties that carry a secret. */
    private static final Set<String> SECRET_PROPERTIES = Set.of(SaslConfigs.SASL_JAAS_CONFIG,
            SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, SslConfigs.SSL_KEY_PASSWORD_CONFIG,
            SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, SslConfigs.SSL_KEYSTORE_KEY_CONFIG);

    private final Protocol protocol;
    private final String mechanism;
    private final String username;
    private final Path caFile;
    private final Path certFile;
    private final String subject;
    private final boolean allowPlaintext;
    private final Map<String, String> properties;

    private KafkaClientSecurity(Protocol protocol, String mechanism, String username, Path caFile, Path certFile,
                                String subject, boolean allowPlaintext, Map<String, String> properties) {
        this.protocol = protocol;
        this.mechanism = mechanism;
        this.username = username;
        this.caFile = caFile;
        this.certFile = certFile;
        this.subject = subject;
        this.allowPlaintext = allowPlaintext;
        this.properties = Collections.unmodifiableMap(properties);
    }

    private static Map<String, String> keys() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put(PROTOCOL, "PLAINTEXT|SSL|SASL_SSL|SASL_PLAINTEXT (default: SASL_SSL with a username, SSL with a "
                + "certificate, else PLAINTEXT)");
        k.put(MECHANISM, "SASL mechanism: SCRAM-SHA-512 (default), SCRAM-SHA-256 or PLAIN");
        k.put(USERNAME, "SASL user: this process's Kafka principal (an edge: its node id)");
        k.put(PASSWORD_FILE, "file holding the SASL password (or env FABSTIR_KAFKA_SECURITY_PASSWORD)");
        k.put(CA_FILE, "PEM file of the CA(s) that signed the brokers' certificates (default: the JVM's CAs)");
        k.put(CERT_FILE, "PEM client certificate (chain) for mutual TLS; its CN is the principal");
        k.put(KEY_FILE, "PEM PKCS#8 private key of cert_file");
        k.put(KEY_PASSWORD_FILE, "file holding the password of an encrypted key_file (or env "
                + "FABSTIR_KAFKA_SECURITY_KEY_PASSWORD)");
        k.put(ALLOW_PLAINTEXT, "true lets credentials cross a plaintext connection (SASL_PLAINTEXT): test networks "
                + "only (default false)");
        return Collections.unmodifiableMap(k);
    }

    /** No security: PLAINTEXT, no credentials. */
    public static KafkaClientSecurity none() {
        return new KafkaClientSecurity(Protocol.PLAINTEXT, null, null, null, null, null, false, Map.of());
    }

    /** Reads and checks the {@code kafka.security.*} settings; an error names the key and the fix. */
    public static KafkaClientSecurity read(ConfigSource s) {
        String username = s.get(USERNAME);
        String password = Secrets.read(s, "kafka.security.password");
        Path ca = path(s, CA_FILE);
        Path cert = path(s, CERT_FILE);
        Path key = path(s, KEY_FILE);
        boolean allowPlaintext = bool(s, ALLOW_PLAINTEXT);
        Protocol protocol;
        String p = s.get(PROTOCOL);
        if (p == null) {
            protocol = username != null ? Protocol.SASL_SSL : cert != null ? Protocol.SSL : Protocol.PLAINTEXT;
        } else {
            try {
                protocol = Protocol.valueOf(p.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(PROTOCOL, "'" + p + "' (from " + s.origin(PROTOCOL)
                        + ") is not one of PLAINTEXT, SSL, SASL_SSL, SASL_PLAINTEXT");
            }
        }
        boolean sasl = protocol == Protocol.SASL_SSL || protocol == Protocol.SASL_PLAINTEXT;
        boolean tls = protocol == Protocol.SSL || protocol == Protocol.SASL_SSL;
        if (protocol == Protocol.SASL_PLAINTEXT && !allowPlaintext) {
            throw new ConfigException(PROTOCOL, "SASL_PLAINTEXT sends credentials and records over an unencrypted "
                    + "connection: use SASL_SSL (with " + CA_FILE + "), or set " + ALLOW_PLAINTEXT
                    + ": true on a test network");
        }
        if (!sasl && (username != null || password != null)) {
            throw new ConfigException(username != null ? USERNAME : PASSWORD_FILE, "a SASL credential is set but "
                    + PROTOCOL + " is " + protocol + (protocol == Protocol.PLAINTEXT
                    ? ", which would send it unencrypted: set " + PROTOCOL + ": SASL_SSL"
                    : ", which sends none: set " + PROTOCOL + ": SASL_SSL, or remove it to use the certificate"));
        }
        if (!tls && (ca != null || cert != null || key != null)) {
            String k = ca != null ? CA_FILE : cert != null ? CERT_FILE : KEY_FILE;
            throw new ConfigException(k, "is set but " + PROTOCOL + " is " + protocol
                    + ", which does not use TLS: set " + PROTOCOL + ": " + (sasl ? "SASL_SSL" : "SSL"));
        }
        Map<String, String> props = new LinkedHashMap<>();
        String mechanism = null;
        if (protocol != Protocol.PLAINTEXT) {
            props.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.name());
        }
        if (sasl) {
            if (username == null) {
                throw new ConfigException(USERNAME, "is required with " + protocol + ": this process's Kafka user");
            }
            if (password == null) {
                throw new ConfigException(PASSWORD_FILE, "is required for user " + username + ": a file holding the "
                        + "password alone (or set FABSTIR_KAFKA_SECURITY_PASSWORD); passwords are never taken inline");
            }
            mechanism = s.get(MECHANISM) == null ? "SCRAM-SHA-512" : s.get(MECHANISM).toUpperCase(Locale.ROOT);
            if (!MECHANISMS.contains(mechanism)) {
                throw new ConfigException(MECHANISM, "'" + s.get(MECHANISM) + "' is not one of " + MECHANISMS);
            }
            if (mechanism.equals("PLAIN") && protocol == Protocol.SASL_PLAINTEXT) {
                throw new ConfigException(MECHANISM, "PLAIN over SASL_PLAINTEXT sends the password in the clear "
                        + "even on a test network: use SCRAM-SHA-512");
            }
            props.put(SaslConfigs.SASL_MECHANISM, mechanism);
            props.put(SaslConfigs.SASL_JAAS_CONFIG, (mechanism.equals("PLAIN")
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule")
                    + " required username=\"" + jaasQuote(username) + "\" password=\"" + jaasQuote(password) + "\";");
        } else if (s.get(MECHANISM) != null) {
            throw new ConfigException(MECHANISM, "is set but " + PROTOCOL + " is " + protocol + " (no SASL)");
        }
        if (ca != null) {
            PemFiles.certificates(CA_FILE, ca);
            props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            props.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, ca.toString());
        }
        String subject = null;
        if (cert != null || key != null) {
            if (cert == null || key == null) {
                throw new ConfigException(cert == null ? CERT_FILE : KEY_FILE, "is required with "
                        + (cert == null ? KEY_FILE : CERT_FILE) + ": mutual TLS needs the certificate and its key");
            }
            subject = PemFiles.certificates(CERT_FILE, cert).get(0).getSubjectX500Principal().getName();
            props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
            props.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, PemFiles.certificateChain(CERT_FILE, cert));
            String keyPem = PemFiles.privateKey(KEY_FILE, key);
            props.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, keyPem);
            String keyPassword = Secrets.read(s, "kafka.security.key_password");
            if (keyPem.contains("ENCRYPTED")) {
                if (keyPassword == null) {
                    throw new ConfigException(KEY_PASSWORD_FILE, "is required: " + key + " is encrypted");
                }
                props.put(SslConfigs.SSL_KEY_PASSWORD_CONFIG, keyPassword);
            }
        } else if (protocol == Protocol.SSL) {
            throw new ConfigException(CERT_FILE, "is required with " + PROTOCOL + " SSL: without a client "
                    + "certificate the connection is anonymous; or use SASL_SSL with a username");
        }
        return new KafkaClientSecurity(protocol, mechanism, username, ca, cert, subject, allowPlaintext, props);
    }

    /** The Kafka client properties these settings amount to (empty for PLAINTEXT); secrets included. */
    public Map<String, String> clientProperties() {
        return properties;
    }

    public Protocol protocol() {
        return protocol;
    }

    /** Whether the process authenticates (SASL or a client certificate). */
    public boolean authenticated() {
        return username != null || certFile != null;
    }

    /** The principal the brokers will see, as far as the client can tell: {@code User:<name>} or the subject. */
    public String principal() {
        return username != null ? "User:" + username : subject != null ? subject : "ANONYMOUS";
    }

    public boolean allowPlaintext() {
        return allowPlaintext;
    }

    /**
     * Checks raw client properties given besides these settings (the escape hatch): a secret-bearing one
     * ({@code sasl.jaas.config}, key store passwords, an inline key) from the command line is refused, and so is a
     * {@code security.protocol=SASL_PLAINTEXT} without {@link #ALLOW_PLAINTEXT}.
     *
     * @param key          the settings key the properties were given under, e.g. {@code kafka.producer}
     * @param raw          the properties (names may carry a {@code consumer.}/{@code producer.} prefix)
     * @param commandLine  the ones given as flags
     */
    public void checkPassThrough(String key, Map<String, String> raw, Map<String, String> commandLine) {
        refuseSecretsOnCommandLine(key, commandLine);
        raw.forEach((name, value) -> {
            if (unprefixed(name).equals(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG)
                    && value.trim().equalsIgnoreCase(Protocol.SASL_PLAINTEXT.name()) && !allowPlaintext) {
                throw new ConfigException(key, name + "=SASL_PLAINTEXT sends credentials unencrypted: use "
                        + PROTOCOL + ": SASL_SSL, or set " + ALLOW_PLAINTEXT + ": true on a test network");
            }
        });
    }

    /** A secret-bearing raw property given as a flag is refused: {@code ps} shows every flag's value. */
    public static void refuseSecretsOnCommandLine(String key, Map<String, String> commandLine) {
        if (commandLine == null) {
            return;
        }
        for (String name : commandLine.keySet()) {
            String n = unprefixed(name);
            if (SECRET_PROPERTIES.contains(n) || n.endsWith(".password")) {
                throw new ConfigException(key, name + " carries a secret and was given on the command line, where "
                        + "ps shows it: use " + PASSWORD_FILE + " (or FABSTIR_KAFKA_SECURITY_PASSWORD), or put the "
                        + "property in the YAML file");
            }
        }
    }

    private static String unprefixed(String name) {
        for (String prefix : new String[] {"consumer.", "producer.", "admin."}) {
            if (name.startsWith(prefix)) {
                return name.substring(prefix.length());
            }
        }
        return name;
    }

    /**
     * Says which setting to fix when Kafka refused this client: failed SASL authentication (user or password), a
     * failed TLS handshake (CA file, or the client certificate), a missing ACL on a topic or group. Null when the
     * failure is none of those (e.g. the broker is down).
     */
    public ConfigException explain(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SaslAuthenticationException) {
                return new ConfigException(PASSWORD_FILE, "Kafka refused the credentials of " + principal() + " ("
                        + mechanism + "): " + t.getMessage() + "; check " + USERNAME + " and " + PASSWORD_FILE
                        + " (or FABSTIR_KAFKA_SECURITY_PASSWORD), and that the user exists on the brokers");
            }
            if (t instanceof SslAuthenticationException) {
                String why = rootMessage(t);
                boolean trust = why.contains("PKIX") || why.contains("certification path");
                String k = !trust && certFile != null ? CERT_FILE : CA_FILE;
                return new ConfigException(k, "the TLS handshake with Kafka failed: " + why + (k.equals(CA_FILE)
                        ? "; " + CA_FILE + " (" + (caFile == null ? "not set: the JVM's CAs" : caFile)
                        + ") must hold the CA that signed the brokers' certificates"
                        : "; the brokers refused the client certificate " + certFile + " (" + subject
                        + "): it must be valid, unexpired and signed by a CA they trust"));
            }
            if (t instanceof TopicAuthorizationException tae) {
                return new ConfigException("kafka.topic", principal() + " is not allowed on topic(s) "
                        + tae.unauthorizedTopics() + ": " + t.getMessage() + "; the Kafka admin grants it "
                        + "(docs/security.md, Kafka ACLs)");
            }
            if (t instanceof GroupAuthorizationException gae) {
                return new ConfigException("kafka.group_id", principal() + " may not use consumer group "
                        + gae.groupId() + ": grant READ on it (docs/security.md, Kafka ACLs)");
            }
            if (t instanceof AuthorizationException) {
                return new ConfigException(USERNAME, principal() + " is not authorized: " + t.getMessage()
                        + " (docs/security.md, Kafka ACLs)");
            }
        }
        return null;
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage();
    }

    private static Path path(ConfigSource s, String key) {
        String v = s.get(key);
        return v == null ? null : Path.of(v);
    }

    static boolean bool(ConfigSource s, String key) {
        String v = s.get(key);
        if (v == null) {
            return false;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key, "'" + v + "' is not true/false (from " + s.origin(key) + ")");
        };
    }

    /** A JAAS option value in double quotes: backslash and quote escaped, as Kafka's JAAS parser reads them. */
    static String jaasQuote(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Protocol, principal and files; never a secret. */
    @Override
    public String toString() {
        return protocol + (username != null ? " " + mechanism + " as " + username : "")
                + (subject != null ? " with certificate " + subject : "")
                + (caFile != null ? " trusting " + caFile : "");
    }
}
