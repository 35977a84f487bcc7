package io.fabstir.enrichers.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.enrichers.LogRecord;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rewrite of one record by one format. A move never overwrites: when the target already has a value, the source
 * stays where it is. A value a conversion cannot read (a level that is an object, a duration that is not a number)
 * stays where it is too. Every moved value is kept under {@link FormatMapper#ORIGINAL} by its source path.
 */
final class Mapping {

    static final String DEFAULT_DATASET = "fabstir.app";
    private static final Pattern GUIDE_JOB = Pattern.compile("job\\.[\\w.-]+");
    private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000);

    private final LogRecord r;
    private final boolean keepOriginals;
    private ObjectNode originals;
    private String eventDataset;

    Mapping(LogRecord r, boolean keepOriginals) {
        this.r = r;
        this.keepOriginals = keepOriginals;
    }

    void apply(Rule.Move m) {
        JsonNode v = r.get(m.from());
        if (v == null) {
            return;
        }
        boolean moved = switch (m.as()) {
            case NONE -> put(m.to(), v);
            case LEVEL -> {
                String level = Levels.canonical(v);
                yield level != null && put(m.to(), JsonNodeFactory.instance.textNode(level));
            }
            case MS_TO_NS -> {
                Long ns = nanos(number(v));
                yield ns != null && put(m.to(), JsonNodeFactory.instance.numberNode(ns));
            }
            case ERROR -> error(v);
            case STACK -> stack(v, true);
            case TRACEBACK -> stack(v, false);
            case FABSTIR_EVENT -> fabstirEvent(v);
            case CALLER -> caller(v);
            case ORIGIN -> origin(v);
        };
        if (moved) {
            r.remove(m.from());
            if (keepOriginals) {
                if (originals == null) {
                    originals = JsonNodeFactory.instance.objectNode();
                }
                originals.set(m.from(), v);
            }
        }
    }

    /** Marks the record as mapped, keeps the originals, and settles {@code event.dataset} and a job's outcome. */
    void finish(String format, String configuredDataset) {
        set(FormatMapper.FORMAT, JsonNodeFactory.instance.textNode(format));
        if (originals != null) {
            if (r.get(FormatMapper.ORIGINAL) instanceof ObjectNode existing) {
                Iterator<Map.Entry<String, JsonNode>> it = originals.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    existing.putIfAbsent(e.getKey(), e.getValue());
                }
            } else {
                set(FormatMapper.ORIGINAL, originals);
            }
        }
        if (!r.has("event.dataset")) {
            String ds = eventDataset != null ? eventDataset
                    : configuredDataset != null ? configuredDataset
                    : r.has("fabstir.job.id") ? "fabstir.job" : DEFAULT_DATASET;
            put("event.dataset", JsonNodeFactory.instance.textNode(ds));
        }
        if ("fabstir.job".equals(r.text("event.dataset")) && !r.has("event.outcome")
                && (r.has("error.message") || r.has("error.type") || r.has("error.stack_trace"))) {
            put("event.outcome", JsonNodeFactory.instance.textNode("failure")); // the guide logs a failed job as an error record with its jobId
        }
    }

    private boolean put(String target, JsonNode value) {
        if (r.has(target)) {
            return false;
        }
        // Set flat, not LogRecord.put: its clean-up of nested copies would drop an empty parent object ("error": {}).
        r.json().set(target, value);
        return true;
    }

    /** Sets a field the mapper owns, replacing any value it had. */
    private void set(String name, JsonNode value) {
        if (r.has(name)) {
            r.put(name, value);
        } else {
            r.json().set(name, value);
        }
    }

    private boolean putText(String target, String value) {
        return value != null && !value.isEmpty() && put(target, JsonNodeFactory.instance.textNode(value));
    }

    /** A string (or number, boolean) is the message; an object gives type/name, message, stack, code. */
    private boolean error(JsonNode v) {
        if (v.isValueNode()) {
            return put("error.message", JsonNodeFactory.instance.textNode(v.asText()));
        }
        if (!v.isObject()) {
            return false;
        }
        boolean any = putText("error.type", text(v, "type", "name"));
        any |= putText("error.message", text(v, "message", "msg"));
        any |= putText("error.code", text(v, "code"));
        JsonNode stack = v.has("stack") ? v.get("stack") : v.get("stack_trace");
        if (stack != null && stack.isTextual()) {
            any |= stack(stack, true);
        }
        return any;
    }

    /** A stack as JavaScript and Java print it (headline first) or a Python traceback (headline last). */
    private boolean stack(JsonNode v, boolean headlineFirst) {
        if (!v.isTextual() || v.textValue().isBlank()) {
            return false;
        }
        String s = v.textValue();
        if (!put("error.stack_trace", v)) {
            return false;
        }
        String[] headline = headlineFirst ? ErrorFields.headline(ErrorFields.firstLine(s))
                : s.startsWith("Traceback") ? ErrorFields.headline(ErrorFields.lastLine(s)) : null;
        if (headline != null) {
            putText("error.type", headline[0]);
            putText("error.message", headline[1]);
        }
        return true;
    }

    /**
     * The Fabstir monitoring guide's events: {@code job.<what>} is a job event (failed/completed give the outcome),
     * {@code audit} and {@code performance} name their dataset; any other string is the event's action.
     */
    private boolean fabstirEvent(JsonNode v) {
        if (!v.isTextual() || v.textValue().isBlank()) {
            return false;
        }
        String e = v.textValue();
        switch (e) {
            case "audit" -> eventDataset = "fabstir.audit";
            case "performance" -> eventDataset = "fabstir.performance";
            default -> {
                if (GUIDE_JOB.matcher(e).matches()) {
                    eventDataset = "fabstir.job";
                    String outcome = outcome(e.substring(e.lastIndexOf('.') + 1));
                    if (outcome != null) {
                        put("event.outcome", JsonNodeFactory.instance.textNode(outcome));
                    }
                }
                putText("event.action", e);
            }
        }
        return true;
    }

    private static String outcome(String verb) {
        return switch (verb) {
            case "failed", "failure", "error", "errored", "timeout", "timed_out", "rejected" -> "failure";
            case "completed", "complete", "succeeded", "success", "finished", "done" -> "success";
            default -> null;
        };
    }

    /** {@code "dir/file.go:42"} (zap's caller). */
    private boolean caller(JsonNode v) {
        if (!v.isTextual() || v.textValue().isBlank()) {
            return false;
        }
        String s = v.textValue();
        int colon = s.lastIndexOf(':');
        String line = colon > 0 ? s.substring(colon + 1) : "";
        if (!line.isEmpty() && line.length() < 10 && line.chars().allMatch(Character::isDigit)) {
            boolean any = putText("log.origin.file.name", s.substring(0, colon));
            return put("log.origin.file.line", JsonNodeFactory.instance.numberNode(Long.parseLong(line))) || any;
        }
        return putText("log.origin.file.name", s);
    }

    /** {@code {function|func, file, line}} (slog's source, bunyan's src). */
    private boolean origin(JsonNode v) {
        if (!v.isObject()) {
            return false;
        }
        boolean any = putText("log.origin.function", text(v, "function", "func"));
        any |= putText("log.origin.file.name", text(v, "file"));
        JsonNode line = v.get("line");
        if (line != null && line.canConvertToLong()) {
            any |= put("log.origin.file.line", JsonNodeFactory.instance.numberNode(line.asLong()));
        }
        return any;
    }

    private static String text(JsonNode obj, String... names) {
        for (String n : names) {
            JsonNode v = obj.get(n);
            if (v != null && v.isValueNode() && !v.isNull()) {
                return v.asText();
            }
        }
        return null;
    }

    /** Milliseconds as whole nanoseconds; null when there is no number or it does not fit a long. */
    private static Long nanos(BigDecimal ms) {
        if (ms == null) {
            return null;
        }
        try {
            return ms.multiply(NANOS_PER_MILLI).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private static BigDecimal number(JsonNode v) {
        if (v.isNumber()) {
            return v.decimalValue();
        }
        if (v.isTextual()) {
            try {
                return new BigDecimal(v.textValue().strip());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
