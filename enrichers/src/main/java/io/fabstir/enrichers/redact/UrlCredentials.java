package io.fabstir.enrichers.redact;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Credentials in URLs: the password of {@code scheme://user:pass@host}, a token as the whole user part. */
final class UrlCredentials {

    private static final Pattern URL_CREDENTIALS = Pattern.compile(
            "\\b([A-Za-z][A-Za-z0-9+.-]{0,20}://)([^\\s:/@\\[\\]]*):([^\\s/@]+)@");
    /** A token as the whole user part ({@code https://<key>@o1.ingest.sentry.io/2}, {@code https://ghp_…@github.com}). */
    private static final Pattern URL_TOKEN_USER = Pattern.compile(
            "\\b([A-Za-z][A-Za-z0-9+.-]{0,20}://)[A-Za-z0-9_.~-]{16,}@");

    private UrlCredentials() {
    }

    static String redact(String text) {
        String out = Masking.replaceAll(URL_CREDENTIALS, text, "$1$2:" + Matcher.quoteReplacement(Redactor.MASK) + "@");
        return Masking.replaceAll(URL_TOKEN_USER, out, Masking.afterGroupOne(Redactor.MASK) + "@");
    }
}
