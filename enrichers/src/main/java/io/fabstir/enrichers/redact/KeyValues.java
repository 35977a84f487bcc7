package io.fabstir.enrichers.redact;

import static io.fabstir.enrichers.redact.Redactor.MASK;

/**
 * The {@code key=value} rule of free text: {@code key=value}, {@code key: value}, {@code "key":"value"} and
 * {@code 'key': 'value'} whose key is sensitive ({@link SensitiveKeys}) lose the value. An HTTP authorization value
 * keeps its scheme word ({@code Authorization: Bearer [REDACTED]}).
 */
final class KeyValues {

    private final SensitiveKeys keys;

    KeyValues(SensitiveKeys keys) {
        this.keys = keys;
    }

    /** Masks the value of every pair with a sensitive key; returns {@code s} itself when there is none. */
    String redact(String s) {
        StringBuilder out = null;
        int copied = 0;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c != '=' && c != ':') {
                continue;
            }
            // the key just before the separator, past optional spaces and a closing quote
            int ke = i;
            while (ke > 0 && s.charAt(ke - 1) == ' ') {
                ke--;
            }
            if (ke > 0 && (s.charAt(ke - 1) == '"' || s.charAt(ke - 1) == '\'')) {
                ke--;
            }
            int ks = ke;
            while (ks > 0 && isKeyChar(s.charAt(ks - 1))) {
                ks--;
            }
            if (ks == ke || !keys.matches(s, ks, ke)) {
                continue;
            }
            // the value after it
            int vs = i + 1;
            if (c == ':' && vs < n && s.charAt(vs) == '/') {
                continue; // scheme://, handled by the URL rule
            }
            while (vs < n && s.charAt(vs) == ' ') {
                vs++;
            }
            if (vs >= n) {
                continue;
            }
            int ve;
            int credential = vs;
            char q = s.charAt(vs);
            if (q == '"' || q == '\'') {
                vs++;
                ve = vs;
                while (ve < n && s.charAt(ve) != q) {
                    ve = s.charAt(ve) == '\\' ? ve + 2 : ve + 1;
                }
                ve = Math.min(ve, n);
            } else {
                ve = valueEnd(s, vs);
                // "Authorization: Bearer abc" - the scheme word is not the secret, the credential after it is
                if (ve < n && s.charAt(ve) == ' ' && isAuthScheme(s, vs, ve)) {
                    credential = ve + 1;
                    ve = valueEnd(s, credential);
                }
            }
            if (ve <= credential || ve - credential == MASK.length() && s.startsWith(MASK, credential)) {
                continue; // empty, or already masked
            }
            if (out == null) {
                out = new StringBuilder(n + 16);
            }
            out.append(s, copied, vs).append(MASK);
            copied = ve;
            i = ve - 1;
        }
        if (out == null) {
            return s;
        }
        return out.append(s, copied, n).toString();
    }

    private static boolean isKeyChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }

    /**
     * Where a bare value starting at {@code from} ends. A mask inside it (an earlier rule masked part of the value,
     * e.g. {@code ghp_[REDACTED]}) belongs to the value: its closing bracket does not end it, or masking the value
     * would leave that bracket behind ({@code [REDACTED]]}).
     */
    private static int valueEnd(String s, int from) {
        int ve = from;
        int n = s.length();
        while (ve < n) {
            char v = s.charAt(ve);
            if (v == '[' && s.startsWith(MASK, ve)) {
                ve += MASK.length();
                continue;
            }
            if (Character.isWhitespace(v) || v == ',' || v == ';' || v == '&' || v == ')' || v == '}'
                    || v == ']' || v == '"' || v == '\'') {
                break;
            }
            ve++;
        }
        return ve;
    }

    private static boolean isAuthScheme(String s, int from, int to) {
        int len = to - from;
        return (len == 6 && s.regionMatches(true, from, "Bearer", 0, 6))
                || (len == 5 && s.regionMatches(true, from, "Basic", 0, 5))
                || (len == 5 && s.regionMatches(true, from, "Token", 0, 5))
                || (len == 6 && s.regionMatches(true, from, "Digest", 0, 6));
    }
}
