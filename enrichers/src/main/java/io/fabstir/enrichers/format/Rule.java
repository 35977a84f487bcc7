package io.fabstir.enrichers.format;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.enrichers.LogRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** One format, compiled from its {@link FormatSpec}: the alternatives that recognise it and the moves, in order. */
final class Rule {

    /** One field move: {@code from} a dotted path, {@code to} a dotted path (null for fixed-target conversions). */
    record Move(String from, String to, Conversion as) {
    }

    final String name;
    final String dataset;
    final List<Move> moves;
    /** Arrays, not lists: recognition runs on every record and must not allocate (no iterators). */
    private final Condition[] alternatives;

    Rule(String name, String dataset, List<Condition> alternatives, List<Move> moves) {
        this.name = name;
        this.dataset = dataset;
        this.alternatives = alternatives.toArray(Condition[]::new);
        this.moves = List.copyOf(moves);
    }

    /** For each alternative, the fields it needs present (has, text, number, equals, pattern), in that order. */
    List<Set<String>> requiredFields() {
        List<Set<String>> out = new ArrayList<>();
        for (Condition c : alternatives) {
            out.add(c.requiredFields());
        }
        return out;
    }

    boolean matches(LogRecord r) {
        for (Condition c : alternatives) {
            if (c.test(r)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The moves of a spec (renames first, then moves, each in the YAML's order), checked; {@code key} is the YAML key
     * of the spec for error messages.
     */
    static Map<String, Move> moves(String key, Map<String, String> rename, Map<String, MoveSpec> move) {
        Map<String, Move> out = new LinkedHashMap<>();
        rename.forEach((from, name) -> {
            String k = key + ".rename." + from;
            checkPath(k, from);
            if (name == null || name.isBlank() || name.contains(".")) {
                throw new FormatConfigException(k, "a rename gives the new last name, without dots (use move: "
                        + "to put the field somewhere else)");
            }
            int dot = from.lastIndexOf('.');
            out.put(from, new Move(from, dot < 0 ? name : from.substring(0, dot + 1) + name, Conversion.NONE));
        });
        move.forEach((from, spec) -> {
            String k = key + ".move." + from;
            checkPath(k, from);
            if (spec == null) {
                out.put(from, null); // stops a built-in move of this source
                return;
            }
            Conversion as = Conversion.named(k + ".as", spec.as());
            if (as.needsTarget) {
                checkPath(k + (spec.as() == null ? "" : ".to"), spec.to());
            }
            out.put(from, new Move(from, as.needsTarget ? spec.to() : null, as));
        });
        return out;
    }

    private static void checkPath(String key, String path) {
        if (path == null || path.isBlank() || path.startsWith(".") || path.endsWith(".") || path.contains("..")) {
            throw new FormatConfigException(key, "needs a dotted field path such as log.level, got '" + path + "'");
        }
    }

    /** One alternative of {@code match}: every condition holds. */
    static final class Condition {
        private final String[] has;
        private final String[] any;
        private final String[] absent;
        private final String[] text;
        private final String[] number;
        private final String[] equalsKeys;
        private final JsonNode[] equalsValues;
        private final String[] patternKeys;
        private final Pattern[] patterns;

        Condition(String key, MatchSpec m) {
            if (m == null || m.isEmpty()) {
                throw new FormatConfigException(key, "needs at least one of has, any, absent, text, number, equals, "
                        + "pattern (a format that matches everything would take every record)");
            }
            has = m.has().toArray(String[]::new);
            any = m.any().toArray(String[]::new);
            absent = m.absent().toArray(String[]::new);
            text = m.text().toArray(String[]::new);
            number = m.number().toArray(String[]::new);
            equalsKeys = m.equals().keySet().toArray(String[]::new);
            equalsValues = new JsonNode[equalsKeys.length];
            for (int i = 0; i < equalsKeys.length; i++) {
                equalsValues[i] = m.equals().get(equalsKeys[i]);
            }
            patternKeys = m.pattern().keySet().toArray(String[]::new);
            patterns = new Pattern[patternKeys.length];
            for (int i = 0; i < patternKeys.length; i++) {
                String regex = m.pattern().get(patternKeys[i]);
                try {
                    patterns[i] = Pattern.compile(regex, Pattern.DOTALL);
                } catch (PatternSyntaxException | NullPointerException e) {
                    throw new FormatConfigException(key + ".pattern." + patternKeys[i], "is not a regular "
                            + "expression: " + (e instanceof PatternSyntaxException s ? s.getDescription() : "null"));
                }
            }
        }

        Set<String> requiredFields() {
            Set<String> out = new LinkedHashSet<>();
            for (String[] keys : new String[][] {has, text, number, equalsKeys, patternKeys}) {
                out.addAll(Arrays.asList(keys));
            }
            return out;
        }

        boolean test(LogRecord r) {
            for (String k : has) {
                if (r.get(k) == null) {
                    return false;
                }
            }
            for (String k : text) {
                JsonNode v = r.get(k);
                if (v == null || !v.isTextual()) {
                    return false;
                }
            }
            for (String k : number) {
                JsonNode v = r.get(k);
                if (v == null || !v.isNumber()) {
                    return false;
                }
            }
            for (String k : absent) {
                if (r.get(k) != null) {
                    return false;
                }
            }
            if (any.length > 0 && !anyPresent(r)) {
                return false;
            }
            for (int i = 0; i < equalsKeys.length; i++) {
                if (!sameValue(r.get(equalsKeys[i]), equalsValues[i])) {
                    return false;
                }
            }
            for (int i = 0; i < patternKeys.length; i++) {
                JsonNode v = r.get(patternKeys[i]);
                if (v == null || !v.isTextual() || !patterns[i].matcher(v.textValue()).matches()) {
                    return false;
                }
            }
            return true;
        }

        private boolean anyPresent(LogRecord r) {
            for (String k : any) {
                if (r.get(k) != null) {
                    return true;
                }
            }
            return false;
        }

        private static boolean sameValue(JsonNode actual, JsonNode expected) {
            if (actual == null || expected == null || expected.isNull()) {
                return actual == null && (expected == null || expected.isNull());
            }
            if (actual.isNumber() && expected.isNumber()) {
                return actual.decimalValue().compareTo(expected.decimalValue()) == 0;
            }
            return actual.equals(expected);
        }
    }

    static List<Condition> conditions(String key, List<MatchSpec> match) {
        if (match.isEmpty()) {
            throw new FormatConfigException(key, "is required: say how to recognise the format, e.g. "
                    + "match: { has: [my_time, my_msg] }");
        }
        List<Condition> out = new ArrayList<>();
        for (int i = 0; i < match.size(); i++) {
            out.add(new Condition(match.size() == 1 ? key : key + "[" + i + "]", match.get(i)));
        }
        return out;
    }
}
