package io.fabstir.enrichers.format;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an error's type and message out of a stack as the runtimes print it: JavaScript and Java start with
 * {@code Type: message} ({@code TypeError: x is undefined}, {@code java.lang.IllegalStateException: boom}); a Python
 * traceback ends with it ({@code ValueError: bad value}).
 */
final class ErrorFields {

    /** an identifier path, then optionally ": message" */
    private static final Pattern HEADLINE =
            Pattern.compile("([A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)*)(?::\\s?(.*))?");

    private ErrorFields() {
    }

    /** {type, message or null}, or null when the line does not look like one. */
    static String[] headline(String line) {
        if (line == null) {
            return null;
        }
        Matcher m = HEADLINE.matcher(line.strip());
        return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
    }

    static String firstLine(String stack) {
        int nl = stack.indexOf('\n');
        return nl < 0 ? stack : stack.substring(0, nl);
    }

    static String lastLine(String traceback) {
        String t = traceback.stripTrailing();
        return t.substring(t.lastIndexOf('\n') + 1);
    }
}
