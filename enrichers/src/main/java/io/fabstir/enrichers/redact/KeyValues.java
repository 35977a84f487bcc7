package io.fabstir.enrichers.redact;

import static io.fabstir.enrichers.redact.Redactor.MASK;

/**
 * The {@code key=value} rule of free text: {@code key=value}, {@code key: value}, {@code "key":"value"} and
 * {@code 'key': 'value'} whose key is sensitive ({@link SensitiveKeys}) lose the value. An HTTP authorization value
 * keeps its scheme word ({@code Authorization: Bearer [REDACTED]}). In a URL query, a few more names hold a
 * credential ({@link #isQueryCredential}).
 */
final class KeyValues {

    private static final boolean[] KEY_CHARS = new boolean[128];

    static {
        for (char c = 0; c < 128; c++) {
            KEY_CHARS[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'
                    || c == '-' || c == '.';
        }
    }

    /** Query parameter names that hold a credential (see {@link #isQueryCredential}). */
    private static final String[] QUERY_CREDENTIALS = {
        "key", "dkey", "auth", "signature", "x-goog-signature", "x-amz-signature"};

    private final KeyVerdicts verdicts;

    KeyValues(SensitiveKeys keys) {
        this.verdicts = new KeyVerdicts(keys);
    }

    /** Masks the value of every pair with a sensitive key; returns {@code s} itself when there is none. */
    String redact(String s) {
        StringBuilder out = null;
        int copied = 0;
        int n = s.length();
        // hop from separator to separator with indexOf (vectorised by the JIT) rather than testing every char
        int nextEq = s.indexOf('=');
        int nextColon = s.indexOf(':');
        for (int i = 0; i < n; i++) {
            if (nextEq >= 0 && nextEq < i) {
                nextEq = s.indexOf('=', i);
            }
            if (nextColon >= 0 && nextColon < i) {
                nextColon = s.indexOf(':', i);
            }
            if (nextEq < 0 && nextColon < 0) {
                break;
            }
            i = nextEq < 0 ? nextColon : nextColon < 0 ? nextEq : Math.min(nextEq, nextColon);
            char c = s.charAt(i);
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
            if (ks == ke || !(verdicts.sensitive(s, ks, ke) || isQueryCredential(s, ks, ke, c))) {
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

    /**
     * A name that is a credential in a URL query only ({@code ?key=}, {@code &dkey=}, {@code ?auth=},
     * {@code &X-Goog-Signature=}): Google APIs, Covalent, dRPC, Firebase, signed URLs. Elsewhere {@code key=} is a
     * cache or sort key.
     */
    private static boolean isQueryCredential(String s, int ks, int ke, char separator) {
        if (separator != '=' || ks == 0 || (s.charAt(ks - 1) != '?' && s.charAt(ks - 1) != '&')) {
            return false;
        }
        for (String name : QUERY_CREDENTIALS) {
            if (ke - ks == name.length() && s.regionMatches(true, ks, name, 0, name.length())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isKeyChar(char c) {
        return c < 128 ? KEY_CHARS[c] : Character.isLetterOrDigit(c);
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
