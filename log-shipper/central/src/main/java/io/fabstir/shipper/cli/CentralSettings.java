package io.fabstir.shipper.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.security.ConfigSource;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CentralSettings of the central commands from, in rising precedence: the YAML file ({@code --config}), {@code FABSTIR_*}
 * environment variables, command-line flags. Keys are dotted YAML paths ({@code elasticsearch.request_timeout});
 * the environment variable of a key is {@code FABSTIR_} + the key upper-cased with dots as underscores. A bad value
 * or an unknown YAML key fails at start with the key named. Secrets are read from files or the environment, and
 * never printed.
 */
final class CentralSettings {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Set<String> known;
    private final CommandLine.Model.CommandSpec spec;

    CentralSettings(CommandLine.Model.CommandSpec spec, Set<String> known) {
        this.spec = spec;
        this.known = known;
    }

    /** Loads the YAML file; nested maps become dotted keys; {@code kafka.properties} is passed through as is. */
    CentralSettings yaml(Path file) {
        if (file == null) {
            return this;
        }
        JsonNode root;
        try {
            root = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw fail("cannot read config file " + file + ": " + e.getMessage());
        }
        if (root != null && !root.isMissingNode() && !root.isNull()) {
            if (!root.isObject()) {
                throw fail("config file " + file + " must be a YAML mapping");
            }
            flatten("", root);
        }
        return this;
    }

    private void flatten(String prefix, JsonNode node) {
        Iterator<Map.Entry<String, JsonNode>> it = node.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (key.equals("kafka.properties")) {
                if (!v.isObject()) {
                    throw fail("invalid config kafka.properties: must be a mapping of Kafka client properties");
                }
                v.fields().forEachRemaining(p -> properties.put(p.getKey(), p.getValue().asText()));
            } else if (v.isObject()) {
                flatten(key, v);
            } else {
                if (!known.contains(key)) {
                    throw fail("unknown config key " + key + " (known: " + String.join(", ", known) + ")");
                }
                if (v.isArray()) {
                    List<String> parts = new ArrayList<>();
                    v.forEach(x -> parts.add(x.asText()));
                    values.put(key, String.join(",", parts));
                } else if (!v.isNull()) {
                    values.put(key, v.asText());
                }
            }
        }
    }

    /** Applies {@code FABSTIR_*} variables for every known key. */
    CentralSettings env(Map<String, String> env) {
        for (String key : known) {
            String v = env.get(envName(key));
            if (v != null && !v.isBlank()) {
                values.put(key, v);
            }
        }
        return this;
    }

    static String envName(String key) {
        return "FABSTIR_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
    }

    /** A flag given on the command line wins over file and environment. */
    CentralSettings flag(String key, Object value) {
        if (value != null) {
            values.put(key, String.valueOf(value));
        }
        return this;
    }

    CentralSettings properties(Map<String, String> flags) {
        if (flags != null) {
            properties.putAll(flags);
        }
        return this;
    }

    Map<String, String> kafkaProperties() {
        return properties;
    }

    /** The set values whose keys start with {@code prefix}, keys unchanged (for a sink that validates its own). */
    Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && !v.isBlank()) {
                out.put(k, v.trim());
            }
        });
        return out;
    }

    String string(String key, String dflt) {
        String v = values.get(key);
        return v == null || v.isBlank() ? dflt : v.trim();
    }

    String required(String key) {
        String v = string(key, null);
        if (v == null) {
            throw fail("missing config " + key + " (flag, " + envName(key) + " or the YAML file)");
        }
        return v;
    }

    int integer(String key, int dflt, int min) {
        String v = string(key, null);
        if (v == null) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw fail("invalid config " + key + ": " + n + " is below the minimum " + min);
            }
            return n;
        } catch (NumberFormatException e) {
            throw fail("invalid config " + key + ": '" + v + "' is not a whole number");
        }
    }

    long bytes(String key, long dflt) {
        String v = string(key, null);
        if (v == null) {
            return dflt;
        }
        Matcher m = Pattern.compile("(\\d+)\\s*([kKmMgG]?)[bB]?").matcher(v);
        if (!m.matches()) {
            throw fail("invalid config " + key + ": '" + v + "' is not a size such as 5mb");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(java.util.Locale.ROOT)) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }

    boolean bool(String key, boolean dflt) {
        String v = string(key, null);
        if (v == null) {
            return dflt;
        }
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on", "1" -> true;
            case "false", "no", "off", "0" -> false;
            default -> throw fail("invalid config " + key + ": '" + v + "' is not true/false");
        };
    }

    Duration duration(String key, Duration dflt) {
        String v = string(key, null);
        if (v == null) {
            return dflt;
        }
        Duration d = parseDuration(v);
        if (d == null || d.isNegative() || d.isZero()) {
            throw fail("invalid config " + key + ": '" + v + "' is not a positive duration such as 30s, 5m, 30d");
        }
        return d;
    }

    static Duration parseDuration(String v) {
        Matcher m = DURATION.matcher(v.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(v.trim());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** These settings as the shared security settings read them ({@code env}: secrets given as variables). */
    ConfigSource source(Map<String, String> env) {
        return ConfigSource.of(values, env);
    }

    /** A settings error from the shared model, reported like the others. */
    CommandLine.ParameterException fail(ConfigException e) {
        return fail(e.getMessage());
    }

    CommandLine.ParameterException fail(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
