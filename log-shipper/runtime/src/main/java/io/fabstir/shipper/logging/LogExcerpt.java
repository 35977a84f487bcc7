package io.fabstir.shipper.logging;

/**
 * A value quoted in one of the shipper's own WARN/ERROR lines (a refusal reason, a response body, an exception's
 * message), cut to {@value #MAX_CHARS} characters with its original length, so that one record with a 10,000
 * character field name or a megabyte payload cannot flood the shipper's log. The whole value still goes where it
 * belongs (the dead-letter document keeps the full reason and payload).
 *
 * <p>Lazy: the text is cut in {@link #toString()}, which SLF4J calls only when the line is actually written.
 */
public final class LogExcerpt {

    /** A few hundred characters: enough for an Elasticsearch reason with its field name, or a stack frame. */
    public static final int MAX_CHARS = 300;

    private final Object value;

    private LogExcerpt(Object value) {
        this.value = value;
    }

    /** {@code value} for a log argument; null stays "null". */
    public static LogExcerpt of(Object value) {
        return new LogExcerpt(value);
    }

    /** The text itself when short, else its first {@value #MAX_CHARS} characters and "… (N chars)". */
    public static String cut(String text) {
        if (text == null || text.length() <= MAX_CHARS) {
            return text;
        }
        int end = MAX_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        return text.substring(0, end) + "… (" + text.length() + " chars)";
    }

    @Override
    public String toString() {
        return cut(String.valueOf(value));
    }
}
