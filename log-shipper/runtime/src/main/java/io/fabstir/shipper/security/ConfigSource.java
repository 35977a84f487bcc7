package io.fabstir.shipper.security;

import io.fabstir.shipper.config.Settings;

import java.util.Map;
import java.util.Objects;

/**
 * Where the security settings are read from: a settings loader's values by dotted key (however it layered file,
 * environment and flags), and the environment, where a secret may be given as a variable.
 */
public interface ConfigSource {

    /** The value of a dotted key such as {@code kafka.security.username}, or null when it is not set. */
    String get(String key);

    /** Where the value of {@code key} came from, for error messages (a file name, a variable, the command line). */
    default String origin(String key) {
        return "settings";
    }

    /** The process environment (secrets may be variables: {@code FABSTIR_KAFKA_SECURITY_PASSWORD}). */
    Map<String, String> env();

    /** Plain maps: values by key and the environment (tests, code that builds its settings itself). */
    static ConfigSource of(Map<String, String> values, Map<String, String> env) {
        Objects.requireNonNull(values, "values");
        Objects.requireNonNull(env, "env");
        return new ConfigSource() {
            @Override
            public String get(String key) {
                String v = values.get(key);
                return v == null || v.isBlank() ? null : v.trim();
            }

            @Override
            public Map<String, String> env() {
                return env;
            }
        };
    }

    /** A layered {@link Settings} (YAML, {@code FABSTIR_*} variables, flags). */
    static ConfigSource of(Settings settings, Map<String, String> env) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(env, "env");
        return new ConfigSource() {
            @Override
            public String get(String key) {
                String v = settings.string(key, null);
                return v == null || v.isBlank() ? null : v.trim();
            }

            @Override
            public String origin(String key) {
                return settings.origin(key);
            }

            @Override
            public Map<String, String> env() {
                return env;
            }
        };
    }
}
