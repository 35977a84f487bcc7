package io.fabstir.shipper.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Layered settings for a subcommand: YAML file, then {@code FABSTIR_*} environment variables, then command-line
 * flags, each layer overriding the one before. Keys are dotted YAML paths ({@code kafka.bootstrap_servers}); the
 * environment name is {@code FABSTIR_} + the key upper-cased with dots as underscores
 * ({@code FABSTIR_KAFKA_BOOTSTRAP_SERVERS}). Map-valued keys (e.g. {@code kafka.producer}) hold free-form names
 * ({@code linger.ms}); in the environment they are written {@code name=value,name=value}.
 */
public final class Settings {

    private final Map<String, Object> values = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();

    private Settings() {
    }

    /**
     * @param yaml      the file, or null
     * @param scalars   known scalar and list keys
     * @param maps      known map keys (their children are free-form names)
     * @param env       the environment ({@code System.getenv()})
     * @param flags     values given on the command line, by key (lists as {@link List}, maps as {@link Map})
     */
    public static Settings load(Path yaml, Set<String> scalars, Set<String> maps, Map<String, String> env,
                                Map<String, Object> flags) {
        Settings s = new Settings();
        if (yaml != null) {
            s.readYaml(yaml, scalars, maps);
        }
        for (String key : scalars) {
            String v = env.get(envName(key));
            if (v != null) {
                s.set(key, v, envName(key));
            }
        }
        for (String key : maps) {
            String v = env.get(envName(key));
            if (v != null) {
                s.set(key, parsePairs(key, v, envName(key)), envName(key));
            }
        }
        flags.forEach((k, v) -> {
            if (v != null && !(v instanceof List<?> l && l.isEmpty()) && !(v instanceof Map<?, ?> m && m.isEmpty())) {
                if (v instanceof Map<?, ?> m && s.values.get(k) instanceof Map<?, ?> old) {
                    Map<Object, Object> merged = new LinkedHashMap<>(old);
                    merged.putAll(m);
                    v = merged;
                }
                s.set(k, v, "command line");
            }
        });
        return s;
    }

    public static String envName(String key) {
        return "FABSTIR_" + key.toUpperCase().replace('.', '_').replace('-', '_');
    }

    /** Where the key's value came from, for error messages. */
    public String origin(String key) {
        return origins.getOrDefault(key, "default");
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String string(String key, String def) {
        Object v = values.get(key);
        if (v == null) {
            return def;
        }
        if (v instanceof Map || v instanceof List) {
            throw new ConfigException(key, "expected a single value, got " + v + " (from " + origin(key) + ")");
        }
        return v.toString();
    }

    public String required(String key, String hint) {
        String v = string(key, null);
        if (v == null || v.isBlank()) {
            throw new ConfigException(key, "is required: " + hint + " (or set " + envName(key) + ")");
        }
        return v;
    }

    public long number(String key, long def, long min, long max) {
        String v = string(key, null);
        if (v == null) {
            return def;
        }
        long n;
        try {
            n = Long.parseLong(v.trim().replace("_", ""));
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + v + "' is not a whole number (from " + origin(key) + ")");
        }
        if (n < min || n > max) {
            throw new ConfigException(key, n + " is outside " + min + ".." + max + " (from " + origin(key) + ")");
        }
        return n;
    }

    public boolean bool(String key, boolean def) {
        String v = string(key, null);
        if (v == null) {
            return def;
        }
        return switch (v.trim().toLowerCase()) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw new ConfigException(key, "'" + v + "' is not true/false (from " + origin(key) + ")");
        };
    }

    /** A list from YAML, or a comma-separated string from the environment. */
    public List<String> list(String key) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        if (v instanceof List<?> l) {
            l.forEach(x -> out.add(String.valueOf(x)));
        } else {
            for (String part : v.toString().split(",")) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    public Map<String, String> map(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Map.of();
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw new ConfigException(key, "expected a map of name: value (from " + origin(key) + ")");
        }
        Map<String, String> out = new LinkedHashMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), String.valueOf(x)));
        return out;
    }

    /** Parses {@code a=1,b=2}. */
    public static Map<String, String> parsePairs(String key, String text, String origin) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException(key, "'" + part.trim() + "' is not name=value (from " + origin + ")");
            }
            out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        return out;
    }

    private void set(String key, Object value, String origin) {
        values.put(key, value);
        origins.put(key, origin);
    }

    private void readYaml(Path file, Set<String> scalars, Set<String> maps) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ConfigException("config", "cannot read " + file + ": " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("config", file + " must be a YAML mapping of settings");
        }
        walk(root, "", file, scalars, maps);
    }

    private void walk(JsonNode node, String prefix, Path file, Set<String> scalars, Set<String> maps) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix + e.getKey();
            JsonNode v = e.getValue();
            String origin = file.getFileName().toString();
            if (maps.contains(key) || maps.stream().anyMatch(m -> m.endsWith(".*") && key.startsWith(
                    m.substring(0, m.length() - 1)))) {
                if (!v.isObject()) {
                    throw new ConfigException(key, "expected a map of name: value in " + origin);
                }
                Map<String, String> m = new LinkedHashMap<>();
                v.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().isValueNode()
                        ? f.getValue().asText() : f.getValue().toString()));
                set(key, m, origin);
            } else if (scalars.contains(key)) {
                if (v.isArray()) {
                    List<String> l = new ArrayList<>();
                    v.forEach(x -> l.add(x.asText()));
                    set(key, l, origin);
                } else if (v.isValueNode()) {
                    if (!v.isNull()) {
                        set(key, v.asText(), origin);
                    }
                } else {
                    throw new ConfigException(key, "expected a value, not a map, in " + origin);
                }
            } else if (v.isObject()) {
                walk(v, key + ".", file, scalars, maps);
            } else {
                throw new ConfigException(key, "unknown setting in " + origin + "; known settings: "
                        + String.join(", ", scalars) + ", " + String.join(", ", maps));
            }
        }
    }

    /** Every key with a value, for tests and diagnostics. */
    public Map<String, Object> values() {
        return java.util.Collections.unmodifiableMap(values);
    }
}
