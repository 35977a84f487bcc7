package io.fabstir.enrichers.format;

import java.util.Arrays;
import java.util.stream.Collectors;

/** The named conversions a move may apply ({@code as:} in the table and the YAML). */
enum Conversion {
    /** none: the value moves as it is */
    NONE(null, true),
    /** a level name or number → TRACE, DEBUG, INFO, WARN, ERROR or FATAL ({@link Levels}) */
    LEVEL("level", true),
    /** milliseconds → nanoseconds ({@code event.duration} is in ns) */
    MS_TO_NS("ms_to_ns", true),
    /** a string → {@code error.message}; an object's type/name, message, stack and code → {@code error.*} */
    ERROR("error", false),
    /** a JavaScript/Java stack → {@code error.stack_trace}; its first line gives type and message */
    STACK("stack", false),
    /** a Python traceback → {@code error.stack_trace}; its last line gives type and message */
    TRACEBACK("traceback", false),
    /** the Fabstir guide's event names → {@code event.action}, {@code event.dataset}, {@code event.outcome} */
    FABSTIR_EVENT("fabstir_event", false),
    /** {@code "dir/file.go:42"} → {@code log.origin.file.name} and {@code log.origin.file.line} */
    CALLER("caller", false),
    /** {@code {function|func, file, line}} → {@code log.origin.*} */
    ORIGIN("origin", false);

    final String name;
    /** whether the conversion writes to the move's {@code to} (the others write fixed ECS fields) */
    final boolean needsTarget;

    Conversion(String name, boolean needsTarget) {
        this.name = name;
        this.needsTarget = needsTarget;
    }

    /** The conversion for {@code as}; null for none; throws for an unknown name. */
    static Conversion named(String key, String as) {
        if (as == null) {
            return NONE;
        }
        for (Conversion c : values()) {
            if (as.equals(c.name)) {
                return c;
            }
        }
        throw new FormatConfigException(key, "unknown conversion '" + as + "'; known: " + Arrays.stream(values())
                .filter(c -> c.name != null).map(c -> c.name).collect(Collectors.joining(", ")));
    }
}
