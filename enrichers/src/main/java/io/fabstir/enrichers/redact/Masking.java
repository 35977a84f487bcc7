package io.fabstir.enrichers.redact;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How a rule writes its masks: only the secret is replaced, and unchanged text comes back as the same instance. */
final class Masking {

    private Masking() {
    }

    /**
     * Every match of {@code p} replaced ({@code replacement} may use groups). Returns {@code text} itself when
     * nothing matched or the result equals it: already-masked text (the edge re-applies the rules) must come back
     * as the same instance, which is how callers tell that nothing changed.
     */
    static String replaceAll(Pattern p, String text, String replacement) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        do {
            m.appendReplacement(sb, replacement);
        } while (m.find());
        m.appendTail(sb);
        return sb.length() == text.length() && sb.toString().equals(text) ? text : sb.toString();
    }

    /** The mask as a {@link Matcher#appendReplacement} replacement after group 1. */
    static String afterGroupOne(String mask) {
        return "$1" + Matcher.quoteReplacement(mask);
    }
}
