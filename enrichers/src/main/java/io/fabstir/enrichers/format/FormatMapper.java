package io.fabstir.enrichers.format;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.enrichers.Enricher;
import io.fabstir.enrichers.LogRecord;
import io.fabstir.enrichers.RecordOrigin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Maps records of the common structured loggers (winston as the Fabstir monitoring guide uses it, pino, bunyan,
 * structlog, python-json-logger, zap, slog, logstash-logback-encoder) onto the record contract's ECS fields, at the
 * edge, before timestamp normalisation: the first step of the {@link io.fabstir.enrichers.EnricherChain} (see
 * {@code EnricherChain.Builder.formats}). The table is data ({@code builtin-formats.json}), extended from the YAML
 * ({@link FormatConfig}); docs/formats.md lists it.
 *
 * <p>A record already in ECS ({@code @timestamp} and {@code log.level}, as the Fabstir encoder writes) is recognised
 * with two map look-ups and left alone; so is a record that matches no format. A mapped record gets
 * {@code fabstir.format} (the format's name), every moved field's value as it was under {@code fabstir.original}
 * (by its source path; mapped {@code enabled: false}), and an {@code event.dataset}. Thread-safe.
 */
public final class FormatMapper implements Enricher {

    /** The recognised format's name, on every mapped record. */
    public static final String FORMAT = "fabstir.format";
    /** The moved fields' values as they were, by source path. */
    public static final String ORIGINAL = "fabstir.original";
    /** What {@link #map} returns for a record that is already in ECS. */
    public static final String ECS = "ecs";

    private static final String BUILTIN = "builtin-formats.json";
    private static final Builtins TABLE = loadBuiltins();

    private final boolean enabled;
    private final boolean keepOriginals;
    private final Rule[] custom;
    private final Rule[] builtin;
    /** A record with none of these fields matches no built-in format: unknown records cost a few look-ups. */
    private final String[] builtinGate;
    private final FormatCounter counter;

    private FormatMapper(boolean enabled, boolean keepOriginals, List<Rule> custom, List<Rule> builtin,
                         FormatCounter counter) {
        this.enabled = enabled;
        this.keepOriginals = keepOriginals;
        this.custom = custom.toArray(Rule[]::new);
        this.builtin = builtin.toArray(Rule[]::new);
        this.builtinGate = gate(builtin);
        this.counter = counter;
    }

    /**
     * A small set of fields such that every built-in alternative needs one of them (greedy set cover: the field most
     * alternatives need first, the first listed on a tie); null when some alternative needs no field in particular.
     */
    static String[] gate(List<Rule> rules) {
        List<Set<String>> open = new ArrayList<>();
        for (Rule rule : rules) {
            open.addAll(rule.requiredFields());
        }
        if (open.stream().anyMatch(Set::isEmpty)) {
            return null;
        }
        List<String> gate = new ArrayList<>();
        while (!open.isEmpty()) {
            Map<String, Integer> needed = new LinkedHashMap<>();
            open.forEach(fields -> fields.forEach(f -> needed.merge(f, 1, Integer::sum)));
            String best = needed.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
            gate.add(best);
            open.removeIf(fields -> fields.contains(best));
        }
        return gate.toArray(String[]::new);
    }

    /** The built-in formats, originals kept. */
    public static FormatMapper defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The built-in formats' names, in the order they are tried. */
    public static List<String> builtinNames() {
        return TABLE.formats.stream().map(FormatSpec::name).toList();
    }

    @Override
    public void enrich(LogRecord record, RecordOrigin origin) {
        map(record);
    }

    /**
     * Maps the record in place.
     *
     * @return the name of the format it was mapped as; {@link #ECS} when it is already in ECS; null when no format
     *         matched (the record is unchanged in both of the last cases)
     */
    public String map(LogRecord record) {
        if (!enabled) {
            return null;
        }
        for (Rule rule : custom) {
            if (rule.matches(record)) {
                return apply(rule, record);
            }
        }
        if (isEcs(record.json())) {
            return ECS;
        }
        if (builtinGate != null && !hasAny(record, builtinGate)) {
            return null;
        }
        for (Rule rule : builtin) {
            if (rule.matches(record)) {
                return apply(rule, record);
            }
        }
        return null;
    }

    /**
     * Already in the record contract: {@code @timestamp} and {@code log.level} (flat as the encoder writes them, or
     * nested). The common case at the edge, so checked with plain look-ups before any format.
     */
    static boolean isEcs(ObjectNode json) {
        if (json.get("@timestamp") == null) {
            return false;
        }
        return json.get("log.level") != null || (json.get("log") instanceof ObjectNode log && log.has("level"));
    }

    /**
     * Whether a record already in ECS ({@code @timestamp} and {@code log.level}) always stays as it is: mapping is off,
     * or no custom format is tried before that test. The chain's shortcut for clean lines relies on it.
     */
    public boolean leavesEcsAlone() {
        return !enabled || custom.length == 0;
    }

    /** Whether records are mapped at all ({@code formats.enabled}). */
    public boolean isEnabled() {
        return enabled;
    }

    /** The gate's fields (see {@link #gate}); null when there is none. */
    List<String> builtinGate() {
        return builtinGate == null ? null : List.of(builtinGate);
    }

    private static boolean hasAny(LogRecord record, String[] fields) {
        for (String f : fields) {
            if (record.get(f) != null) {
                return true;
            }
        }
        return false;
    }

    private String apply(Rule rule, LogRecord record) {
        Mapping m = new Mapping(record, keepOriginals);
        for (Rule.Move move : rule.moves) {
            m.apply(move);
        }
        m.finish(rule.name, rule.dataset);
        counter.mapped(rule.name);
        return rule.name;
    }

    public static final class Builder {
        private FormatConfig config = FormatConfig.defaults();
        private FormatCounter counter = FormatCounter.NONE;

        private Builder() {
        }

        public Builder config(FormatConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /** Told of each mapped record's format (for the edge's metrics). */
        public Builder counter(FormatCounter counter) {
            this.counter = Objects.requireNonNull(counter, "counter");
            return this;
        }

        /**
         * @throws FormatConfigException naming the YAML key, for a setting that cannot work (an unknown format or
         *                               conversion, a match that would take every record, a bad path or regex)
         */
        public FormatMapper build() {
            Map<String, FormatSpec> builtins = new LinkedHashMap<>();
            TABLE.formats.forEach(f -> builtins.put(f.name(), f));
            config.overrides().keySet().forEach(name -> {
                if (!builtins.containsKey(name)) {
                    throw new FormatConfigException(FormatConfig.KEY + ".overrides." + name,
                            "no built-in format of that name; built-in: " + String.join(", ", builtins.keySet()));
                }
            });
            Map<String, Rule.Move> common = Rule.moves("builtin.common", Map.of(), TABLE.common.move());
            Map<String, Rule> compiled = new LinkedHashMap<>();
            for (FormatSpec f : builtins.values()) {
                String key = FormatConfig.KEY + ".overrides." + f.name();
                FormatOverride o = config.overrides().get(f.name());
                Map<String, Rule.Move> moves = new LinkedHashMap<>();
                if (o != null) {
                    moves.putAll(Rule.moves(key, o.rename(), o.move()));
                }
                addMissing(moves, Rule.moves("builtin." + f.name(), f.rename(), f.move()).values());
                addMissing(moves, common.values());
                String dataset = o != null && o.dataset() != null ? o.dataset() : f.dataset();
                compiled.put(f.name(), new Rule(f.name(), dataset,
                        Rule.conditions("builtin." + f.name() + ".match", f.match()), present(moves)));
            }
            List<Rule> custom = new ArrayList<>();
            Set<String> names = new HashSet<>(builtins.keySet());
            names.add(ECS);
            for (int i = 0; i < config.custom().size(); i++) {
                custom.add(custom(FormatConfig.KEY + ".custom[" + i + "]", config.custom().get(i), names, compiled,
                        common));
            }
            return new FormatMapper(config.enabled(), config.keepOriginals(), custom, List.copyOf(compiled.values()),
                    counter);
        }

        private static Rule custom(String key, FormatSpec f, Set<String> names, Map<String, Rule> builtins,
                                   Map<String, Rule.Move> common) {
            if (f == null) {
                throw new FormatConfigException(key, "is empty; give name, match and what to do");
            }
            if (f.name() == null || f.name().isBlank()) {
                throw new FormatConfigException(key + ".name", "is required (it is what fabstir.format says)");
            }
            if (!names.add(f.name())) {
                throw new FormatConfigException(key + ".name", "'" + f.name() + "' is already a format; pick "
                        + "another name, or change a built-in one under formats.overrides");
            }
            Rule like = null;
            if (f.like() != null) {
                like = builtins.get(f.like());
                if (like == null) {
                    throw new FormatConfigException(key + ".like", "no built-in format '" + f.like() + "'; built-in: "
                            + String.join(", ", builtins.keySet()));
                }
            }
            Map<String, Rule.Move> moves = new LinkedHashMap<>(Rule.moves(key, f.rename(), f.move()));
            if (like != null) {
                addMissing(moves, like.moves);
            }
            addMissing(moves, common.values());
            String dataset = f.dataset() != null ? f.dataset() : like != null ? like.dataset : null;
            return new Rule(f.name(), dataset, Rule.conditions(key + ".match", f.match()), present(moves));
        }

        /** Adds the moves whose source has no entry yet (a null entry, a stopped move, counts as one). */
        private static void addMissing(Map<String, Rule.Move> moves, Iterable<Rule.Move> more) {
            for (Rule.Move m : more) {
                if (!moves.containsKey(m.from())) {
                    moves.put(m.from(), m);
                }
            }
        }

        /** The moves left after nulls (stopped built-in moves) are taken out. */
        private static List<Rule.Move> present(Map<String, Rule.Move> moves) {
            return moves.values().stream().filter(Objects::nonNull).toList();
        }
    }

    /** The bundled table's shape. */
    record Builtins(@JsonProperty("_comment") String comment, @JsonProperty("common") FormatOverride common,
                    @JsonProperty("formats") List<FormatSpec> formats) {
    }

    private static Builtins loadBuiltins() {
        try (InputStream in = FormatMapper.class.getResourceAsStream(BUILTIN)) {
            if (in == null) {
                throw new IllegalStateException("missing bundled resource " + BUILTIN);
            }
            JsonNode tree = FormatConfig.json().readTree(in);
            return FormatConfig.json().treeToValue(tree, Builtins.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
