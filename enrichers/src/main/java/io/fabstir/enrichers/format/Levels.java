package io.fabstir.enrichers.format;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Map;

/**
 * Log levels as the record contract writes them: TRACE, DEBUG, INFO, WARN, ERROR, FATAL (the saved searches filter
 * on these). Numbers are read as pino/bunyan levels (10 trace … 60 fatal, custom levels by range); names of the
 * common loggers (npm/winston, syslog, Python, zap) map by severity, slog's offsets ({@code INFO+2}) by value; any
 * other name is kept upper-cased.
 */
final class Levels {

    private static final Map<String, String> NAMES = Map.ofEntries(
            Map.entry("trace", "TRACE"), Map.entry("silly", "TRACE"), Map.entry("finest", "TRACE"),
            Map.entry("debug", "DEBUG"), Map.entry("verbose", "DEBUG"), Map.entry("http", "DEBUG"),
            Map.entry("fine", "DEBUG"), Map.entry("finer", "DEBUG"),
            Map.entry("info", "INFO"), Map.entry("information", "INFO"), Map.entry("informational", "INFO"),
            Map.entry("notice", "INFO"),
            Map.entry("warn", "WARN"), Map.entry("warning", "WARN"),
            Map.entry("error", "ERROR"), Map.entry("err", "ERROR"), Map.entry("dpanic", "ERROR"),
            Map.entry("fatal", "FATAL"), Map.entry("critical", "FATAL"), Map.entry("crit", "FATAL"),
            Map.entry("panic", "FATAL"), Map.entry("alert", "FATAL"), Map.entry("emerg", "FATAL"),
            Map.entry("emergency", "FATAL"));

    /** slog's level values: DEBUG -4, INFO 0, WARN 4, ERROR 8; "INFO+2" is 2. */
    private static final Map<String, Integer> SLOG = Map.of("DEBUG", -4, "INFO", 0, "WARN", 4, "ERROR", 8);

    private Levels() {
    }

    /** The contract's level for a value, or null when it is not a level at all (an object, an empty string). */
    static String canonical(JsonNode v) {
        if (v.isNumber()) {
            return byNumber(v.asLong());
        }
        if (!v.isTextual() || v.textValue().isBlank()) {
            return null;
        }
        String s = v.textValue().strip();
        String known = NAMES.get(s.toLowerCase(Locale.ROOT));
        if (known != null) {
            return known;
        }
        String slog = slogOffset(s);
        if (slog != null) {
            return slog;
        }
        if (s.chars().allMatch(Character::isDigit) && s.length() <= 6) {
            return byNumber(Long.parseLong(s));
        }
        return s.toUpperCase(Locale.ROOT);
    }

    private static String byNumber(long n) {
        if (n < 20) {
            return "TRACE";
        }
        if (n < 30) {
            return "DEBUG";
        }
        if (n < 40) {
            return "INFO";
        }
        if (n < 50) {
            return "WARN";
        }
        return n < 60 ? "ERROR" : "FATAL";
    }

    private static String slogOffset(String s) {
        int sign = Math.max(s.indexOf('+'), s.indexOf('-'));
        if (sign <= 0 || sign == s.length() - 1) {
            return null;
        }
        Integer base = SLOG.get(s.substring(0, sign));
        String digits = s.substring(sign + 1);
        if (base == null || digits.length() > 3 || !digits.chars().allMatch(Character::isDigit)) {
            return null;
        }
        int value = base + (s.charAt(sign) == '+' ? 1 : -1) * Integer.parseInt(digits);
        return byNumber(30 + value * 5 / 2); // slog's DEBUG..ERROR (-4, 0, 4, 8) onto pino's 20..50
    }
}
