package io.fabstir.enrichers.redact;

/**
 * Finds credentials by their own shape in free text: the prefixed API keys and tokens of the cloud, code-hosting,
 * chat, mail and AI services a node is wired to ({@code AKIA…}, {@code AIza…}, {@code ghp_…}, {@code glpat-…},
 * {@code xoxb-…}, {@code SG.….…}, {@code key-…}, {@code sk-…}, {@code sk_live_…}, {@code whsec_…}, {@code hf_…},
 * {@code xprv…}, ...), Azure AD client secrets ({@code …8Q~…}), Mailgun's {@code hex32-hex8-hex8} keys, Discord bot
 * tokens, and the secret half of Telegram bot tokens ({@code 123456789:AA…}: the bot id is kept).
 *
 * <p>Written by hand rather than as one regex of alternatives: it runs on every string of 20 characters or more,
 * and one pass over the "words" ({@code [A-Za-z0-9_.~-]} runs) with a switch on the first character costs a few ns
 * for clean text, where a regex would try each alternative at each position. The prefix is kept ({@code
 * ghp_[REDACTED]}) so the reader still sees which kind of credential was there.
 */
final class CredentialShapes {

    /** Shortest word any shape can be (an AWS access key id: 4 + 16). */
    static final int MIN_LENGTH = 20;

    private static final String[] AWS_PREFIXES = {
        "AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA"
    };

    private CredentialShapes() {
    }

    static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'
                || c == '.' || c == '~';
    }

    /**
     * Whether the whole text is one body line of a PEM block (60-76 base64 characters with upper case, lower case
     * and digits, nothing else): what a plain-text log line of a private key that was printed across lines looks
     * like once the edge has split the file into lines, each shipped without the {@code -----BEGIN} line.
     * Shorter base64 values (a SHA-256 digest is 44) are not taken for one.
     */
    static boolean isPemBodyLine(String text) {
        int n = text.length();
        if (n < 60 || n > 78) {
            return false;
        }
        int s = 0;
        int e = n;
        while (e > s && (text.charAt(e - 1) == '\r' || text.charAt(e - 1) == ' ')) {
            e--;
        }
        if (e - s < 60 || e - s > 76) {
            return false;
        }
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        for (int i = s; i < e; i++) {
            char c = text.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                upper = true;
            } else if (c >= 'a' && c <= 'z') {
                lower = true;
            } else if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '+' && c != '/' && !(c == '=' && i >= e - 2)) {
                return false;
            }
        }
        return upper && lower && digit;
    }

    /** Masks every credential-shaped word; returns {@code text} itself when there is none. */
    static String redact(String text, String mask) {
        int n = text.length();
        if (n < MIN_LENGTH) {
            return text;
        }
        StringBuilder out = null;
        int copied = 0;
        int i = 0;
        while (i < n) {
            if (!isWordChar(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isWordChar(text.charAt(i))) {
                i++;
            }
            int end = i;
            while (end > start && text.charAt(end - 1) == '.') {
                end--; // a full stop after the token is the sentence's
            }
            if (end - start < MIN_LENGTH) {
                continue;
            }
            int keep = secretStart(text, start, end);
            if (keep >= 0) {
                if (out == null) {
                    out = new StringBuilder(n + 16);
                }
                out.append(text, copied, keep).append(mask);
                copied = end;
            }
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, n).toString();
    }

    /** Where the secret part of the word [s, e) begins (the prefix before it is kept), or -1 if it is none. */
    private static int secretStart(String t, int s, int e) {
        int len = e - s;
        switch (t.charAt(s)) {
            case 'A':
                if (len == 20 && upperOrDigits(t, s + 4, e)) {
                    for (String p : AWS_PREFIXES) {
                        if (t.startsWith(p, s)) {
                            return s + 4;
                        }
                    }
                }
                if (len == 39 && t.startsWith("AIza", s)) {
                    return s + 4;
                }
                break;
            case 'g':
                if (t.startsWith("gh", s) && len >= 40 && t.charAt(s + 3) == '_' && "pousr".indexOf(t.charAt(s + 2)) >= 0) {
                    return s + 4;
                }
                if (t.startsWith("github_pat_", s) && len >= 33) {
                    return s + 11;
                }
                if (t.startsWith("gl", s)) {
                    int dash = t.indexOf('-', s);
                    if (dash > s + 2 && dash <= s + 7 && len - (dash + 1 - s) >= 20 && lowers(t, s, dash)) {
                        return dash + 1; // glpat-, gldt-, glrt-, glptt-, glcbt-, glsoat-, ...
                    }
                }
                break;
            case 'x':
                if (len >= 20 && (t.startsWith("xox", s) && t.charAt(s + 4) == '-' && "abeprs".indexOf(t.charAt(s + 3)) >= 0
                        || t.startsWith("xapp-", s))) {
                    return s + 5;
                }
                if (len >= 100 && (t.startsWith("xprv", s))) {
                    return s + 4;
                }
                break;
            case 't':
                if (len >= 100 && t.startsWith("tprv", s)) {
                    return s + 4;
                }
                break;
            case 's':
                if (t.startsWith("sk-", s) && len >= 23) {
                    return s + 3;
                }
                if ((t.startsWith("sk_live_", s) || t.startsWith("sk_test_", s)) && len >= 24) {
                    return s + 8;
                }
                break;
            case 'r':
                if ((t.startsWith("rk_live_", s) || t.startsWith("rk_test_", s)) && len >= 24) {
                    return s + 8;
                }
                break;
            case 'w':
                if (t.startsWith("whsec_", s) && len >= 26) {
                    return s + 6;
                }
                break;
            case 'S':
                if (t.startsWith("SG.", s) && len >= 60 && t.indexOf('.', s + 4) > 0 && t.indexOf('.', s + 4) < e) {
                    return s + 3;
                }
                break;
            case 'k':
                if (t.startsWith("key-", s) && len >= 36) {
                    return s + 4;
                }
                break;
            case 'y':
                if (t.startsWith("ya29.", s)) {
                    return s + 5;
                }
                break;
            case 'G':
                if (t.startsWith("GOCSPX-", s)) {
                    return s + 7;
                }
                break;
            case 'h':
                if (t.startsWith("hf_", s) && len >= 33) {
                    return s + 3;
                }
                break;
            case 'n':
                if (t.startsWith("npm_", s) && len >= 40) {
                    return s + 4;
                }
                break;
            case 'p':
                if (t.startsWith("pypi-", s) && len >= 50) {
                    return s + 5;
                }
                break;
            default:
                break;
        }
        if (len == 50 && isMailgunKey(t, s)) {
            return s;
        }
        if (len >= 37 && len <= 40 && t.charAt(s + 4) == 'Q' && t.charAt(s + 5) == '~' && isDigit(t.charAt(s + 3))) {
            return s; // Azure AD client secret
        }
        if (isDiscordBotToken(t, s, e)) {
            return s;
        }
        return telegramSecret(t, s, e);
    }

    /** A Telegram bot token's secret: this word follows {@code <6-12 digits>:}; its bot id before the colon stays. */
    private static int telegramSecret(String t, int s, int e) {
        if (e - s < 30 || s < 7 || t.charAt(s - 1) != ':') {
            return -1;
        }
        int d = s - 1;
        while (d > 0 && isDigit(t.charAt(d - 1))) {
            d--;
        }
        int digits = s - 1 - d;
        return digits >= 6 && digits <= 12 ? s : -1;
    }

    /** {@code [MNO]} + 23-25 base64 chars, '.', 6 chars, '.', 27-38 chars. */
    private static boolean isDiscordBotToken(String t, int s, int e) {
        char c = t.charAt(s);
        if (c != 'M' && c != 'N' && c != 'O') {
            return false;
        }
        int d1 = t.indexOf('.', s);
        if (d1 < 0 || d1 >= e || d1 - s < 24 || d1 - s > 26) {
            return false;
        }
        int d2 = t.indexOf('.', d1 + 1);
        if (d2 != d1 + 7 || e - d2 - 1 < 27 || e - d2 - 1 > 38) {
            return false;
        }
        int d3 = t.indexOf('.', d2 + 1);
        return d3 < 0 || d3 >= e;
    }

    /** Mailgun's current private keys: 32 hex, '-', 8 hex, '-', 8 hex. */
    private static boolean isMailgunKey(String t, int s) {
        if (t.charAt(s + 32) != '-' || t.charAt(s + 41) != '-') {
            return false;
        }
        return hex(t, s, s + 32) && hex(t, s + 33, s + 41) && hex(t, s + 42, s + 50);
    }

    private static boolean hex(String t, int from, int to) {
        return allIn(t, from, to, '0', '9', 'a', 'f');
    }

    private static boolean upperOrDigits(String t, int from, int to) {
        return allIn(t, from, to, '0', '9', 'A', 'Z');
    }

    private static boolean lowers(String t, int from, int to) {
        return allIn(t, from, to, 'a', 'z', 'a', 'z');
    }

    /** Every char of [from, to) lies in [lo1, hi1] or [lo2, hi2]. */
    private static boolean allIn(String t, int from, int to, char lo1, char hi1, char lo2, char hi2) {
        for (int k = from; k < to; k++) {
            char c = t.charAt(k);
            if ((c < lo1 || c > hi1) && (c < lo2 || c > hi2)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
