package io.fabstir.enrichers.redact;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets found by a regular expression, each gated by a literal the pre-scan looks for ({@code -----BEGIN},
 * {@code eyJ}, {@code bearer}), so ordinary text never reaches them: PEM private-key blocks (masked whole, to their
 * end or the end of the text), JWTs, and the credential after a {@code Bearer} scheme word (the word is kept).
 */
final class TokenPatterns {

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----.*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----|\\z)",
            Pattern.DOTALL);
    private static final Pattern JWT = Pattern.compile(
            "\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
    private static final Pattern BEARER = Pattern.compile(
            "(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/=-]{8,}");

    private static final String WHOLE = Matcher.quoteReplacement(Redactor.MASK);
    private static final String BEARER_KEPT = "$1 " + WHOLE;

    private TokenPatterns() {
    }

    static String pem(String text) {
        return Masking.replaceAll(PEM, text, WHOLE);
    }

    static String jwt(String text) {
        return Masking.replaceAll(JWT, text, WHOLE);
    }

    static String bearer(String text) {
        return Masking.replaceAll(BEARER, text, BEARER_KEPT);
    }
}
