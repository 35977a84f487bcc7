package io.fabstir.enrichers.redact;

import static io.fabstir.enrichers.redact.Redactor.MASK;

/**
 * Credentials inside URLs ({@code scheme://…}), keeping the scheme, host and the path's ordinary segments visible:
 * <ul>
 *   <li><b>userinfo</b>: the password of {@code scheme://user:pass@host} (the user name stays, it tells the operator
 *   which account), or the whole user part when it is a token ({@code https://<key>@o1.ingest.sentry.io/2},
 *   {@code https://ghs_…@github.com});</li>
 *   <li><b>keys in the path</b>, as RPC and API providers issue them: on a provider's host ({@link #KEY_IN_PATH_HOSTS})
 *   every path segment that looks like a key ({@code https://mainnet.infura.io/v3/<key>},
 *   {@code https://x.quiknode.pro/<token>/}, {@code https://rpc.ankr.com/eth/<key>},
 *   {@code https://eth-mainnet.blastapi.io/<uuid>}); on any host, the generic shape: a long opaque segment right
 *   after a version segment ({@code /v1/}, {@code /v2/}, {@code /v3/}).</li>
 * </ul>
 * Credentials in the query ({@code ?apikey=}, {@code &token=}, {@code &sig=}, {@code ?key=}, {@code &dkey=}) are the
 * key/value rule's ({@link KeyValues}), which also knows the names that are credentials only in a query.
 *
 * <p>What "looks like a key" ({@link #isOpaque}): 16+ characters of {@code [A-Za-z0-9_-]} with a digit, in one
 * unbroken run (hex and base62 keys), or 24+ with a digit and case changing at random (keys with {@code -}/{@code _}).
 * Kept: ordinary words and names ({@code /v2/models/mistral-7b}, {@code /v1/chat/completions},
 * {@code Meta-Llama-3-8B-Instruct}), anything not right after a version segment on other hosts (a git SHA under
 * {@code /v1/commits/}, a UUID under {@code /v1/jobs/}), and a UUID right after a version segment (a resource id; on
 * a provider's host, where keys are UUIDs, it is masked). A hash right after a version segment is masked: it cannot
 * be told from a key (Infura's keys are 32 hex digits, QuickNode's 40).
 *
 * <p>Hand-written: it runs on every text holding {@code ://}, so one pass per URL, no regex.
 */
final class UrlCredentials {

    /**
     * Hosts (and their sub-domains) whose URLs carry the account's key as a path segment: Infura, Alchemy, QuickNode,
     * Chainstack, Blast, GetBlock, Ankr, Pocket/Grove, Tenderly, NOWNodes, Moralis, dRPC, LlamaNodes, BlockPI,
     * OnFinality, ZAN, Unifra, Nodies, Chainnodes.
     */
    static final String[] KEY_IN_PATH_HOSTS = {
        "infura.io", "alchemy.com", "alchemyapi.io", "quiknode.pro", "quicknode.pro", "p2pify.com",
        "chainstack.com", "blastapi.io", "getblock.io", "ankr.com", "pokt.network", "grove.city", "tenderly.co",
        "nownodes.io", "moralis-nodes.com", "drpc.org", "llamarpc.com", "blockpi.network", "onfinality.io",
        "zan.top", "unifra.io", "nodies.app", "chainnodes.org"
    };

    private UrlCredentials() {
    }

    /**
     * Masks the credentials of every URL in {@code text}; returns {@code text} itself when there is none.
     *
     * @param strict for a string that is a configured endpoint rather than free text: the whole userinfo goes (user
     *               names too), and every path segment and query value that looks like a key, on any host
     */
    static String redact(String text, boolean strict) {
        StringBuilder out = null;
        int copied = 0;
        int n = text.length();
        int outerEnd = -1; // the end of the URL whose query holds this one, if any
        for (int p = text.indexOf("://"); p >= 0; p = text.indexOf("://", p + 3)) {
            int a = p + 3;
            if (p < copied || !hasScheme(text, p)) {
                continue; // inside what is already masked, or not a URL
            }
            int end = urlEnd(text, a);
            if (p < outerEnd) {
                end = valueEnd(text, a, end); // a query value: it ends at the outer URL's next '&' or ';'
            } else {
                outerEnd = end;
            }
            // userinfo: up to the last '@' before the path (passwords hold '@', '?', '#' unescaped in practice)
            int slash = indexOf(text, '/', a, end);
            int authEnd = slash < 0 ? end : slash;
            int at = lastIndexOf(text, '@', a, authEnd);
            int hostStart = a;
            if (at >= 0) {
                int secret = userinfoSecret(text, a, at, strict);
                if (secret >= 0) {
                    out = mask(out, text, copied, secret);
                    copied = at;
                }
                hostStart = at + 1;
            }
            int queryStart = queryStart(text, hostStart, end);
            int pathStart = indexOf(text, '/', hostStart, queryStart);
            boolean provider = isKeyInPathHost(text, hostStart, pathStart < 0 ? queryStart : pathStart);
            boolean afterVersion = false;
            for (int s = pathStart; s >= 0 && s < queryStart; ) {
                int segStart = s + 1;
                int segEnd = indexOf(text, '/', segStart, queryStart);
                if (segEnd < 0) {
                    segEnd = trimPunctuation(text, segStart, queryStart); // "see …/v3/<key>." in prose
                }
                if (isKey(text, segStart, segEnd, afterVersion, provider || strict)) {
                    out = mask(out, text, copied, segStart);
                    copied = segEnd;
                }
                afterVersion = isVersion(text, segStart, segEnd);
                s = segEnd < queryStart && text.charAt(segEnd) == '/' ? segEnd : -1;
            }
            // strict: every query value that looks like a key (?network=eth&k=<key>), whatever its name
            for (int q = queryStart; strict && q < end; ) {
                int eq = indexOf(text, '=', q, end);
                if (eq < 0) {
                    break;
                }
                int vEnd = eq + 1;
                while (vEnd < end && "&;#".indexOf(text.charAt(vEnd)) < 0) {
                    vEnd++;
                }
                if (isOpaque(text, eq + 1, vEnd) || isUuid(text, eq + 1, vEnd)) {
                    out = mask(out, text, copied, eq + 1);
                    copied = vEnd;
                }
                q = vEnd + 1;
            }
            // A URL in this one's query or fragment (?redirect=…, ?u=smtp://user:pass@…) is a URL of its own.
            p = Math.max(p, queryStart - 3);
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, n).toString();
    }

    private static int valueEnd(String t, int from, int end) {
        for (int i = from; i < end; i++) {
            char c = t.charAt(i);
            if (c == '&' || c == ';') {
                return i;
            }
        }
        return end;
    }

    private static StringBuilder mask(StringBuilder out, String text, int copied, int from) {
        StringBuilder b = out == null ? new StringBuilder(text.length() + 16) : out;
        return b.append(text, copied, from).append(MASK);
    }

    /** A scheme of 1-21 characters starting with a letter right before {@code ://}. */
    private static boolean hasScheme(String t, int colon) {
        int b = colon;
        while (b > 0 && colon - b < 21 && isSchemeChar(t.charAt(b - 1))) {
            b--;
        }
        while (b < colon && !isLetter(t.charAt(b))) {
            b++;
        }
        return b < colon;
    }

    private static boolean isSchemeChar(char c) {
        return isLetter(c) || (c >= '0' && c <= '9') || c == '+' || c == '.' || c == '-';
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** The URL ends at white space or a character that cannot be in one unescaped (quotes, brackets of markup). */
    private static int urlEnd(String t, int from) {
        int n = t.length();
        for (int i = from; i < n; i++) {
            char c = t.charAt(i);
            if (c < 128 && ENDS_URL[c]) {
                return i;
            }
        }
        return n;
    }

    private static final boolean[] ENDS_URL = new boolean[128];

    static {
        for (char c = 0; c <= ' '; c++) {
            ENDS_URL[c] = true;
        }
        for (char c : "\"'<>`\\{}|".toCharArray()) {
            ENDS_URL[c] = true;
        }
    }

    /**
     * Where the masked part of the userinfo [a, at) starts, or -1 to keep it: after {@code user:} (a password);
     * at {@code a} for a token as the whole user part, or for any userinfo when {@code strict}.
     */
    private static int userinfoSecret(String t, int a, int at, boolean strict) {
        if (at == a || (at - a == MASK.length() && t.startsWith(MASK, a))) {
            return -1;
        }
        if (strict) {
            return a;
        }
        int colon = indexOf(t, ':', a, at);
        if (colon >= 0) {
            boolean masked = at - colon - 1 == MASK.length() && t.startsWith(MASK, colon + 1);
            return colon + 1 < at && !masked ? colon + 1 : -1;
        }
        if (at - a < 16) {
            return -1;
        }
        for (int i = a; i < at; i++) {
            if (!isTokenChar(t.charAt(i))) {
                return -1;
            }
        }
        return a;
    }

    private static boolean isTokenChar(char c) {
        return isLetter(c) || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '~' || c == '-';
    }

    private static int queryStart(String t, int from, int end) {
        int q = indexOf(t, '?', from, end);
        int f = indexOf(t, '#', from, q < 0 ? end : q);
        return f >= 0 ? f : q >= 0 ? q : end;
    }

    /**
     * Whether the host in [from, to) (a port after ':' ignored) is or is under one of {@link #KEY_IN_PATH_HOSTS}:
     * one backward pass over the host, hashing its tail in lower case and looking each tail that starts a label up
     * in {@link #PROVIDERS} (a hit is then compared), so URLs of other hosts cost no comparison with the list.
     */
    private static boolean isKeyInPathHost(String t, int from, int to) {
        int colon = indexOf(t, ':', from, to);
        int end = colon < 0 ? to : colon;
        int h = 0;
        for (int i = end - 1; i >= from; i--) {
            char c = t.charAt(i);
            h = h * 31 + (c >= 'A' && c <= 'Z' ? c + 32 : c);
            if (i == from || t.charAt(i - 1) == '.') {
                for (int slot = h & (PROVIDERS.length - 1); PROVIDERS[slot] != null;
                        slot = (slot + 1) & (PROVIDERS.length - 1)) {
                    String host = PROVIDERS[slot];
                    if (host.length() == end - i && t.regionMatches(true, i, host, 0, host.length())) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** {@link #KEY_IN_PATH_HOSTS} by the hash {@link #isKeyInPathHost} computes (characters last to first). */
    private static final String[] PROVIDERS = providers();

    private static String[] providers() {
        String[] table = new String[128];
        for (String host : KEY_IN_PATH_HOSTS) {
            int h = 0;
            for (int i = host.length() - 1; i >= 0; i--) {
                h = h * 31 + host.charAt(i);
            }
            int slot = h & (table.length - 1);
            while (table[slot] != null) {
                slot = (slot + 1) & (table.length - 1);
            }
            table[slot] = host;
        }
        return table;
    }

    /** {@code v1} … {@code v99}. */
    private static boolean isVersion(String t, int from, int to) {
        int len = to - from;
        return (len == 2 || len == 3) && (t.charAt(from) | 0x20) == 'v' && isDigit(t.charAt(from + 1))
                && (len == 2 || isDigit(t.charAt(from + 2)));
    }

    /**
     * Whether the segment [from, to) is a key: it looks like one, right after a version segment or anywhere when
     * {@code anywhere}; on a key-in-path host (or strict) a UUID, or 8+ letters and digits right after a version
     * (Grove's application ids), also count.
     */
    private static boolean isKey(String t, int from, int to, boolean afterVersion, boolean anywhere) {
        if (to - from < 8 || (to - from == MASK.length() && t.startsWith(MASK, from))) {
            return false;
        }
        if (anywhere) {
            return isOpaque(t, from, to) || isUuid(t, from, to) || (afterVersion && isShortKey(t, from, to));
        }
        return afterVersion && isOpaque(t, from, to);
    }

    /**
     * 16+ characters of {@code [A-Za-z0-9_-]} with a digit and an unbroken run ({@code -}/{@code _} break it) of 16
     * or more; or 24+ with a digit and the case of letters changing at least 6 times (a random key with separators,
     * not a name such as {@code Meta-Llama-3-8B-Instruct}).
     */
    static boolean isOpaque(String t, int from, int to) {
        int len = to - from;
        if (len < 16) {
            return false;
        }
        boolean digit = false;
        int run = 0;
        int longestRun = 0;
        int caseChanges = 0;
        int lastCase = 0; // 1 lower, 2 upper
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            int letterCase = c >= 'a' && c <= 'z' ? 1 : c >= 'A' && c <= 'Z' ? 2 : 0;
            if (letterCase != 0) {
                if (lastCase != 0 && letterCase != lastCase) {
                    caseChanges++;
                }
                lastCase = letterCase;
                run++;
            } else if (isDigit(c)) {
                digit = true;
                run++;
            } else if (c == '-' || c == '_') {
                run = 0;
            } else {
                return false;
            }
            longestRun = Math.max(longestRun, run);
        }
        return digit && (longestRun >= 16 || (len >= 24 && caseChanges >= 6));
    }

    /** 8+ letters and digits, with both. */
    private static boolean isShortKey(String t, int from, int to) {
        boolean digit = false;
        boolean letter = false;
        for (int i = from; i < to; i++) {
            char c = t.charAt(i);
            if (isDigit(c)) {
                digit = true;
            } else if (isLetter(c)) {
                letter = true;
            } else {
                return false;
            }
        }
        return digit && letter;
    }

    /** 8-4-4-4-12 hex digits. */
    private static boolean isUuid(String t, int from, int to) {
        if (to - from != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = t.charAt(from + i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !(isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    /** The end of a URL's last segment less the punctuation of the sentence around it. */
    private static int trimPunctuation(String t, int from, int to) {
        while (to > from && ".,;:!)]".indexOf(t.charAt(to - 1)) >= 0) {
            to--;
        }
        return to;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int indexOf(String t, char c, int from, int to) {
        int i = t.indexOf(c, from);
        return i >= 0 && i < to ? i : -1;
    }

    private static int lastIndexOf(String t, char c, int from, int to) {
        int i = t.lastIndexOf(c, to - 1);
        return i >= from ? i : -1;
    }
}
