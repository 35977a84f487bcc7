package io.fabstir.shipper.security;

import io.fabstir.shipper.config.ConfigException;

import javax.net.ssl.SSLContext;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where and as whom a command reaches Elasticsearch, from the {@code elasticsearch.*} settings: the hosts, the CA
 * file their HTTPS certificates are checked against, and one credential, an API key (file or
 * {@code FABSTIR_ELASTICSEARCH_API_KEY}) or basic auth (user, and a password file or
 * {@code FABSTIR_ELASTICSEARCH_PASSWORD}). A credential towards an {@code http://} host is refused unless
 * {@code elasticsearch.allow_plaintext} is true. Used by every central command and by anything else that connects
 * ({@link #authorization()} is the header value, {@link #sslContext()} the trust).
 */
public final class ElasticsearchAccess {
    public static final String HOSTS = "elasticsearch.hosts";
    public static final String CA_FILE = "elasticsearch.ca_file";
    /** The key itself is the secret {@code elasticsearch.api_key}: this file or FABSTIR_ELASTICSEARCH_API_KEY. */
    public static final String API_KEY_FILE = "elasticsearch.api_key_file";
    public static final String USERNAME = "elasticsearch.username";
    /** The password is the secret {@code elasticsearch.password}: this file or FABSTIR_ELASTICSEARCH_PASSWORD. */
    public static final String PASSWORD_FILE = "elasticsearch.password_file";
    public static final String ALLOW_PLAINTEXT = "elasticsearch.allow_plaintext";

    /** The keys with what each means. */
    public static final Map<String, String> KEYS = keys();

    private final List<URI> hosts;
    private final Path caFile;
    private final SSLContext ssl;
    private final String authorization;
    private final String credentialKey;
    private final String who;

    private ElasticsearchAccess(List<URI> hosts, Path caFile, String authorization, String credentialKey, String who) {
        this.hosts = List.copyOf(hosts);
        this.caFile = caFile;
        this.ssl = caFile == null ? null : PemFiles.trusting(CA_FILE, caFile);
        this.authorization = authorization;
        this.credentialKey = credentialKey;
        this.who = who;
    }

    private static Map<String, String> keys() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put(HOSTS, "Elasticsearch URLs, e.g. https://es1:9200,https://es2:9200");
        k.put(CA_FILE, "PEM file of the CA that signed the cluster's HTTPS certificate (default: the JVM's CAs)");
        k.put(API_KEY_FILE, "file holding the encoded API key (or env FABSTIR_ELASTICSEARCH_API_KEY)");
        k.put(USERNAME, "basic-auth user (instead of an API key)");
        k.put(PASSWORD_FILE, "file holding the basic-auth password (or env FABSTIR_ELASTICSEARCH_PASSWORD)");
        k.put(ALLOW_PLAINTEXT, "true lets a credential go to an http:// host: test networks only (default false)");
        return Collections.unmodifiableMap(k);
    }

    /** Reads and checks the settings; {@code defaultHosts} when {@link #HOSTS} is not set. */
    public static ElasticsearchAccess read(ConfigSource s, String defaultHosts) {
        String hostList = s.get(HOSTS) == null ? defaultHosts : s.get(HOSTS);
        List<URI> hosts = new ArrayList<>();
        for (String h : hostList.split(",")) {
            if (!h.isBlank()) {
                hosts.add(parseHost(h.trim()));
            }
        }
        if (hosts.isEmpty()) {
            throw new ConfigException(HOSTS, "is required: one or more Elasticsearch URLs");
        }
        String apiKey = Secrets.read(s, "elasticsearch.api_key");
        String user = s.get(USERNAME);
        String authorization = null;
        String credentialKey = null;
        String who = null;
        if (apiKey != null && user != null) {
            throw new ConfigException(USERNAME, "use either an API key or basic auth, not both");
        }
        if (apiKey != null) {
            // The "id:key" pair as well as the encoded form Elasticsearch returns.
            String encoded = apiKey.contains(":")
                    ? Base64.getEncoder().encodeToString(apiKey.getBytes(StandardCharsets.UTF_8)) : apiKey;
            authorization = "ApiKey " + encoded;
            credentialKey = s.env().get("FABSTIR_ELASTICSEARCH_API_KEY") != null
                    ? "FABSTIR_ELASTICSEARCH_API_KEY" : API_KEY_FILE;
            who = "API key";
        } else if (user != null) {
            String password = Secrets.read(s, "elasticsearch.password");
            if (password == null) {
                throw new ConfigException(PASSWORD_FILE, "is required for user " + user + ": a file holding the "
                        + "password alone (or set FABSTIR_ELASTICSEARCH_PASSWORD); passwords are never taken inline");
            }
            authorization = "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + password).getBytes(StandardCharsets.UTF_8));
            credentialKey = s.env().get("FABSTIR_ELASTICSEARCH_PASSWORD") != null
                    ? "FABSTIR_ELASTICSEARCH_PASSWORD" : PASSWORD_FILE;
            who = "user " + user;
        } else if (s.env().get("FABSTIR_ELASTICSEARCH_PASSWORD") != null || s.get(PASSWORD_FILE) != null) {
            throw new ConfigException(USERNAME, "is required with " + PASSWORD_FILE + ": the basic-auth user");
        }
        boolean allowPlaintext = KafkaClientSecurity.bool(s, ALLOW_PLAINTEXT);
        boolean anyHttps = false;
        for (URI h : hosts) {
            if (h.getScheme().equals("https")) {
                anyHttps = true;
            } else if (authorization != null && !allowPlaintext) {
                throw new ConfigException(HOSTS, h + " would receive the " + who + " unencrypted: use https:// (and "
                        + CA_FILE + "), or set " + ALLOW_PLAINTEXT + ": true on a test network");
            }
        }
        Path ca = s.get(CA_FILE) == null ? null : Path.of(s.get(CA_FILE));
        if (ca != null && !anyHttps) {
            throw new ConfigException(CA_FILE, "is set but no host in " + HOSTS + " is https://");
        }
        return new ElasticsearchAccess(hosts, ca, authorization, credentialKey, who);
    }

    /** No credential, the JVM's trust: for code that builds its connection itself. */
    public static ElasticsearchAccess open(List<URI> hosts) {
        return new ElasticsearchAccess(hosts, null, null, null, null);
    }

    /** {@code http(s)://host[:port]}; a bare {@code host:port} is http; the port defaults to 9200. */
    static URI parseHost(String host) {
        String h = host.contains("://") ? host : "http://" + host;
        try {
            URI u = new URI(h);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (u.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                throw new ConfigException(HOSTS, "'" + host + "' is not an http(s)://host:port URL");
            }
            return new URI(scheme, null, u.getHost(), u.getPort() > 0 ? u.getPort() : 9200, null, null, null);
        } catch (URISyntaxException e) {
            throw new ConfigException(HOSTS, "'" + host + "' is not a URL: " + e.getMessage());
        }
    }

    public List<URI> hosts() {
        return hosts;
    }

    /** TLS trusting {@link #caFile()} only; null: the JVM's default trust. */
    public SSLContext sslContext() {
        return ssl;
    }

    public Path caFile() {
        return caFile;
    }

    /** The {@code Authorization} header value ({@code ApiKey …} or {@code Basic …}); null without a credential. */
    public String authorization() {
        return authorization;
    }

    /** The setting to name when the cluster refuses the credential (its file key, or its variable). */
    public String credentialKey() {
        return credentialKey;
    }

    /** Hosts, credential kind and CA; never the secret. */
    @Override
    public String toString() {
        return "Elasticsearch " + hosts + (who != null ? " (" + who + ")" : "") + (caFile != null ? " (CA " + caFile + ")" : "");
    }
}
