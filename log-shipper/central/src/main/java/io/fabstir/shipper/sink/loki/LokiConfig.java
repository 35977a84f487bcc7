package io.fabstir.shipper.sink.loki;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Flat configuration keys of the Loki sink, named like the other {@code fabstir-shipper} settings (dotted YAML paths,
 * so {@code loki.url} is {@code loki: {url: …}} in the file and {@code FABSTIR_LOKI_URL} in the environment). Every
 * {@code loki.*} key is checked (a misspelt one is an error, not silently ignored). The Kafka side ({@code kafka.*})
 * belongs to the loop and is read by {@code index} alike for every sink.
 */
public final class LokiConfig {

    public static final String URL = "loki.url";
    public static final String TENANT = "loki.tenant";
    public static final String FORMAT = "loki.format";
    public static final String LABELS = "loki.labels";
    public static final String LABELS_MAX_VALUES = "loki.labels_max_values";
    public static final String STRUCTURED_METADATA = "loki.structured_metadata";
    public static final String BASIC_USER = "loki.auth.basic.username";
    public static final String BASIC_PASSWORD_FILE = "loki.auth.basic.password_file";
    public static final String BASIC_PASSWORD_ENV = "loki.auth.basic.password_env";
    public static final String BEARER_TOKEN_FILE = "loki.auth.bearer.token_file";
    public static final String BEARER_TOKEN_ENV = "loki.auth.bearer.token_env";
    public static final String TLS_CA_FILE = "loki.tls.ca_file";
    public static final String ALLOW_PLAINTEXT = "loki.auth.allow_plaintext";
    public static final String BATCH_MAX_BYTES = "loki.batch.max_bytes";
    public static final String BATCH_MAX_ENTRIES = "loki.batch.max_entries";
    public static final String BATCH_LINGER_MS = "loki.batch.linger_ms";
    public static final String LINE_MAX_BYTES = "loki.line.max_bytes";
    public static final String RETRY_INITIAL_MS = "loki.retry.initial_ms";
    public static final String RETRY_MAX_MS = "loki.retry.max_ms";
    public static final String REQUEST_TIMEOUT_MS = "loki.request_timeout_ms";

    /** Every key this class reads (for a settings loader that must list its known keys). */
    public static final Set<String> KEYS = Set.of(URL, TENANT, FORMAT, LABELS, LABELS_MAX_VALUES,
            STRUCTURED_METADATA, BASIC_USER, BASIC_PASSWORD_FILE, BASIC_PASSWORD_ENV, BEARER_TOKEN_FILE,
            BEARER_TOKEN_ENV, TLS_CA_FILE, ALLOW_PLAINTEXT, BATCH_MAX_BYTES, BATCH_MAX_ENTRIES, BATCH_LINGER_MS, LINE_MAX_BYTES,
            RETRY_INITIAL_MS, RETRY_MAX_MS, REQUEST_TIMEOUT_MS);

    /** A configuration value that cannot be used; {@link #key()} says which. */
    public static final class InvalidKey extends IllegalArgumentException {
        private final String key;

        public InvalidKey(String key, String problem) {
            super(key + ": " + problem);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    private LokiConfig() {}

    /** A builder filled from {@code config}; {@code build()} on it completes the validation. */
    public static LokiSink.Builder builder(Map<String, String> config) {
        LokiSink.Builder b = LokiSink.builder();
        for (String k : config.keySet()) {
            if (k.startsWith("loki.") && !KEYS.contains(k)) {
                throw new InvalidKey(k, "unknown key (known: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
            }
        }
        String url = config.get(URL);
        if (url == null || url.isBlank()) {
            throw new InvalidKey(URL, "is required");
        }
        try {
            b.url(new URI(url.trim()));
        } catch (URISyntaxException e) {
            throw new InvalidKey(URL, "not a URI: " + e.getMessage());
        }
        str(config, TENANT, b::tenant);
        if (config.containsKey(FORMAT)) {
            String f = config.get(FORMAT).trim().toUpperCase(Locale.ROOT);
            try {
                b.format(PushFormat.valueOf(f));
            } catch (IllegalArgumentException e) {
                throw new InvalidKey(FORMAT, "must be protobuf or json, got '" + config.get(FORMAT) + "'");
            }
        }
        if (config.containsKey(LABELS)) {
            b.labels(list(config.get(LABELS)));
        }
        if (config.containsKey(STRUCTURED_METADATA)) {
            b.structuredMetadata(list(config.get(STRUCTURED_METADATA)));
        }
        integer(config, LABELS_MAX_VALUES).ifPresent(b::maxLabelValues);
        integer(config, BATCH_MAX_BYTES).ifPresent(b::batchMaxBytes);
        integer(config, BATCH_MAX_ENTRIES).ifPresent(b::batchMaxEntries);
        integer(config, LINE_MAX_BYTES).ifPresent(b::maxLineBytes);
        integer(config, BATCH_LINGER_MS).ifPresent(v -> b.linger(Duration.ofMillis(v)));
        integer(config, REQUEST_TIMEOUT_MS).ifPresent(v -> b.requestTimeout(Duration.ofMillis(v)));
        int initial = integer(config, RETRY_INITIAL_MS).orElse(500);
        int max = integer(config, RETRY_MAX_MS).orElse(30_000);
        b.retryBackoff(Duration.ofMillis(initial), Duration.ofMillis(max));
        String user = config.get(BASIC_USER);
        if (user != null) {
            if (config.containsKey(BASIC_PASSWORD_FILE)) {
                b.basicAuth(user, Path.of(config.get(BASIC_PASSWORD_FILE)));
            } else if (config.containsKey(BASIC_PASSWORD_ENV)) {
                b.basicAuthFromEnv(user, config.get(BASIC_PASSWORD_ENV));
            } else {
                throw new InvalidKey(BASIC_PASSWORD_FILE, "required with " + BASIC_USER
                        + " (or " + BASIC_PASSWORD_ENV + "); passwords are never taken inline");
            }
        }
        str(config, BEARER_TOKEN_FILE, v -> b.bearerTokenFile(Path.of(v)));
        str(config, BEARER_TOKEN_ENV, b::bearerTokenEnv);
        str(config, TLS_CA_FILE, v -> b.caFile(Path.of(v)));
        str(config, ALLOW_PLAINTEXT, v -> {
            switch (v.toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on", "1" -> b.allowPlaintextCredentials(true);
                case "false", "no", "off", "0" -> b.allowPlaintextCredentials(false);
                default -> throw new InvalidKey(ALLOW_PLAINTEXT, "'" + v + "' is not true/false");
            }
        });
        return b;
    }

    private static void str(Map<String, String> c, String key, java.util.function.Consumer<String> to) {
        String v = c.get(key);
        if (v != null) {
            if (v.isBlank()) {
                throw new InvalidKey(key, "is empty");
            }
            to.accept(v.trim());
        }
    }

    private static java.util.Optional<Integer> integer(Map<String, String> c, String key) {
        String v = c.get(key);
        if (v == null) {
            return java.util.Optional.empty();
        }
        try {
            int i = Integer.parseInt(v.trim());
            if (i <= 0) {
                throw new InvalidKey(key, "must be positive, got " + v);
            }
            return java.util.Optional.of(i);
        } catch (NumberFormatException e) {
            throw new InvalidKey(key, "not a whole number: '" + v + "'");
        }
    }

    private static List<String> list(String v) {
        return Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
