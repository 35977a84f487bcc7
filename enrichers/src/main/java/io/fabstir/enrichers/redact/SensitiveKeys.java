package io.fabstir.enrichers.redact;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Decides whether a field or parameter name names a secret, by the <em>kind</em> of credential it names. Names are
 * split into words at separators and camelCase boundaries ({@code x_api_key}, {@code X-API-KEY}, {@code apiKey},
 * {@code APIKey} all give {@code api key}); a name is sensitive when a run of up to three consecutive words, joined,
 * equals or ends with a sensitive term, or when one word equals a whole-word term ({@code pass}, {@code sig},
 * {@code dsn}: as suffixes they would catch {@code bypass}, {@code design}).
 *
 * <p>Kinds: passwords ({@code password}, {@code passwd}, {@code pwd}, {@code pass}, {@code passphrase}), secrets,
 * tokens, credentials, webhooks, authorization and cookies, session ids, JWTs, seed phrases and mnemonics, and
 * {@code key} only after a word that makes it a credential ({@code api_key}, {@code routing_key},
 * {@code integration_key}, {@code service_key}, {@code sendgrid_key}, ...): a bare {@code key}, {@code primary_key},
 * {@code cache_key} or {@code key_count} is not one, and {@code keyboard}, {@code monkey} are single words that no
 * term ends with.
 *
 * <p>A term followed by a word that describes the credential rather than holds it ({@code password_length},
 * {@code secret_file}, {@code api_key_id}) is not sensitive. The "token" family has more such exceptions, because
 * LLM and blockchain logs are full of harmless {@code tokens_used}, {@code token_id}, {@code max_token}.
 *
 * <p>Hand-written and allocation-free because it runs for every {@code key=value} pair of every logged text (and
 * inference nodes log {@code tokens_used=} in nearly every line): the name is walked in place, word by word, with
 * the last three words and the next one in local variables; the terms sit in a trie of their reversed letters, so
 * one backward walk from a word's end finds every term the joined words end with.
 */
final class SensitiveKeys {

    /** Terms in joined, lower-case form. A plural "s" is also accepted, except for "token" (see class doc). */
    static final List<String> DEFAULT_TERMS = List.of(
            "password", "passwd", "pwd", "passphrase", "secret", "token", "mnemonic", "authorization",
            "cookie", "credential", "credentials", "seedphrase", "sessionid", "jwt", "webhook");

    /** Words before "key" that make it a credential; each gives a joined term such as {@code routingkey}. */
    static final List<String> CREDENTIAL_KEY_KINDS = List.of(
            // what the key does
            "api", "private", "secret", "access", "signing", "encryption", "decryption", "routing", "integration",
            "service", "license", "licence", "master", "auth", "client", "app", "application", "ssh", "gpg", "pgp",
            "deploy", "hmac", "bot", "account", "storage", "subscription", "shared", "consumer", "session", "admin",
            "server", "wallet", "crypto", "webhook", "events", "ingest", "rest", "root",
            // whose key it is: the incident, chat, mail and cloud services nodes are wired to
            "pagerduty", "pd", "opsgenie", "victorops", "pushover", "sendgrid", "mailgun", "mailjet", "postmark",
            "mandrill", "sparkpost", "ses", "smtp", "mail", "stripe", "openai", "anthropic", "twilio", "slack",
            "discord", "telegram", "github", "gitlab", "aws", "gcp", "google", "azure", "infura", "alchemy",
            "etherscan", "hf", "huggingface", "cloudflare", "datadog", "dd", "sentry");

    /** Sensitive only as a whole word ({@code smtp_pass}, {@code sig=}, {@code sentry_dsn}). */
    static final String[] WORD_TERMS = {"pass", "sig", "dsn"};

    /** Words after any term that make the name describe the credential rather than hold it. */
    private static final String[] DESCRIPTORS = {
        "count", "counts", "total", "length", "len", "size", "type", "types", "ttl", "expiry", "expires",
        "expiration", "expired", "age", "policy", "strength", "rotation", "rotated", "enabled", "required",
        "file", "path", "sent", "failed", "errors", "retries", "attempts", "status", "version"};
    /** More words after "key" with the same effect ({@code api_key_id}: the key's id, not the key). */
    private static final String[] KEY_DESCRIPTORS = {"id", "ids", "name", "names", "alias", "fingerprint"};
    /** Words after "token" that make the name describe the token rather than hold it. */
    private static final String[] TOKEN_QUALIFIERS = {
        "id", "ids", "count", "counts", "used", "limit", "limits", "type", "length", "ttl", "expiry",
        "expires", "expiration", "address", "symbol", "name", "amount", "balance", "standard", "decimals",
        "url", "uri", "endpoint", "usage", "budget", "rate", "price", "per", "index"};
    /** Words before "token" with the same effect ({@code max_token}, {@code num_token}). */
    private static final String[] TOKEN_PREFIX_QUALIFIERS = {"max", "min", "num", "total", "erc", "nft"};

    private static final long NONE = -1;
    /** What a term's match means for the word after it (see {@link #unqualified}). */
    private static final byte OTHER = 1;
    private static final byte KEY = 2;
    private static final byte TOKEN = 3;

    /** The terms, reversed, in a trie; {@code kind} of the term that ends at a node, in list order (first wins). */
    private final SuffixTrie terms = new SuffixTrie();
    /** Cheap pre-filter: every sensitive name contains one of these (case-insensitively), indexed by first char. */
    private final String[][] stemsByFirst = new String[128][];
    /** Stems whose first char is not ASCII (extra names only). */
    private final String[] otherStems;
    /** The first two letters of every stem, as bits: {@code pairs[c1 * 2 + c2 / 64]} has bit {@code c2 % 64}. */
    private final long[] pairs = new long[256];
    /** An extra name whose first word is one letter: the pair filter cannot be used. */
    private final boolean shortStem;

    SensitiveKeys(Collection<String> extraTerms) {
        List<String> all = new ArrayList<>(DEFAULT_TERMS);
        for (String kind : CREDENTIAL_KEY_KINDS) {
            all.add(kind + "key");
        }
        List<String> stemList = new ArrayList<>(List.of(
                "pass", "pwd", "secret", "token", "mnemonic", "auth", "cookie", "credential", "key", "seed",
                "session", "jwt", "hook", "sig", "dsn"));
        for (String extra : extraTerms) {
            List<String> words = words(extra);
            if (words.isEmpty()) {
                continue;
            }
            all.add(String.join("", words));
            stemList.add(words.get(0));
        }
        for (int i = 0; i < all.size(); i++) {
            String term = all.get(i);
            byte kind = term.equals("token") ? TOKEN : term.endsWith("key") ? KEY : OTHER;
            terms.add(term, i, kind);
        }
        List<String> other = new ArrayList<>();
        boolean shortStem = false;
        for (String stem : stemList) {
            char c = stem.charAt(0);
            if (stem.length() < 2) {
                shortStem = true;
            } else if (c < 128 && stem.charAt(1) < 128) {
                pairs[c * 2 + (stem.charAt(1) >>> 6)] |= 1L << stem.charAt(1);
            }
            if (c < 128) {
                String[] list = stemsByFirst[c];
                String[] grown = list == null ? new String[1] : java.util.Arrays.copyOf(list, list.length + 1);
                grown[grown.length - 1] = stem;
                stemsByFirst[c] = grown;
            } else {
                other.add(stem);
            }
        }
        this.otherStems = other.toArray(String[]::new);
        this.shortStem = shortStem;
    }

    /**
     * Whether {@code key[from, to)} is a sensitive name: one of its words is a whole-word term, or a run of up to
     * three consecutive words, joined, ends with a term (plural "s" allowed) and the word after it (or before
     * "token") does not say the name describes the credential.
     */
    boolean matches(CharSequence key, int from, int to) {
        if (to - from < 3 || to - from > 128 || !containsStem(key, from, to)) {
            return false;
        }
        long prev2 = NONE;
        long prev1 = NONE;
        long cur = nextWord(key, from, to);
        while (cur != NONE) {
            long next = nextWord(key, end(cur), to);
            if (isWholeWordTerm(key, cur) && !describes(key, next, false)) {
                return true;
            }
            if (endsWithUnqualifiedTerm(key, prev2, prev1, cur, next)) {
                return true;
            }
            prev2 = prev1;
            prev1 = cur;
            cur = next;
        }
        return false;
    }

    /**
     * For each run that ends with {@code cur} (cur alone, prev1+cur, prev2+prev1+cur), the first term in list order
     * that the joined run ends with (as is, or less a plural "s"), judged by the words around it.
     */
    private boolean endsWithUnqualifiedTerm(CharSequence key, long prev2, long prev1, long cur, long next) {
        // one backward walk per form (as is, less a plural "s"); the walk notes the first term met within each run
        long asIs = terms.walk(key, prev2, prev1, cur, false);
        long plural = lower(key.charAt(end(cur) - 1)) == 's'
                ? terms.walk(key, prev2, prev1, cur, true) : SuffixTrie.NO_MATCHES;
        if (asIs == SuffixTrie.NO_MATCHES && plural == SuffixTrie.NO_MATCHES) {
            return false;
        }
        for (int run = 0; run < 3; run++) {
            int a = SuffixTrie.at(asIs, run);
            int p = SuffixTrie.at(plural, run);
            boolean viaPlural = a < 0 || (p >= 0 && p < a);
            int term = viaPlural ? p : a;
            if (term >= 0 && unqualified(key, terms.kind(term), viaPlural, prev1, cur, next)) {
                return true;
            }
        }
        return false;
    }

    private static boolean unqualified(CharSequence key, byte kind, boolean plural, long prev1, long cur,
            long next) {
        if (kind != TOKEN) {
            return !describes(key, next, kind == KEY);
        }
        if (plural) {
            return false; // "tokens", "maxtokens": counts, never secrets
        }
        if (describes(key, next, false) || in(key, next, TOKEN_QUALIFIERS)) {
            return false;
        }
        return !(prev1 != NONE && equalsIgnoreCase(key, cur, "token") && in(key, prev1, TOKEN_PREFIX_QUALIFIERS));
    }

    /** Whether the word after the term says the name is about the credential ({@code password_length}). */
    private static boolean describes(CharSequence key, long next, boolean keyTerm) {
        return next != NONE && (in(key, next, DESCRIPTORS) || (keyTerm && in(key, next, KEY_DESCRIPTORS)));
    }

    private static boolean isWholeWordTerm(CharSequence key, long word) {
        return in(key, word, WORD_TERMS);
    }

    private static boolean in(CharSequence key, long word, String[] lowerWords) {
        if (word == NONE) {
            return false;
        }
        for (String w : lowerWords) {
            if (equalsIgnoreCase(key, word, w)) {
                return true;
            }
        }
        return false;
    }

    private static boolean equalsIgnoreCase(CharSequence key, long word, String lowerWord) {
        int s = start(word);
        int n = lowerWord.length();
        if (end(word) - s != n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (lower(key.charAt(s + k)) != lowerWord.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private boolean containsStem(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = lower(s.charAt(i));
            if (c < 128 && !shortStem) {
                // most positions end here: no stem starts with these two letters
                char d = i + 1 < to ? lower(s.charAt(i + 1)) : 0;
                if (d < 128 && (pairs[c * 2 + (d >>> 6)] & (1L << d)) == 0) {
                    continue;
                }
            }
            String[] candidates = c < 128 ? stemsByFirst[c] : otherStems;
            if (candidates == null) {
                continue;
            }
            for (String stem : candidates) {
                if (regionEqualsIgnoreCase(s, i, to, stem)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean regionEqualsIgnoreCase(CharSequence s, int at, int to, String lowerStem) {
        int n = lowerStem.length();
        if (to - at < n) {
            return false;
        }
        for (int k = 0; k < n; k++) {
            if (lower(s.charAt(at + k)) != lowerStem.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c < 128 ? c : Character.toLowerCase(c);
    }

    // ---- words: runs of letters and digits, split at camelCase boundaries; packed as start << 32 | end ----

    static int start(long word) {
        return (int) (word >>> 32);
    }

    static int end(long word) {
        return (int) word;
    }

    /** The first word at or after {@code from}, or {@link #NONE}. */
    static long nextWord(CharSequence s, int from, int to) {
        int i = from;
        while (i < to && !Character.isLetterOrDigit(s.charAt(i))) {
            i++;
        }
        if (i >= to) {
            return NONE;
        }
        int start = i++;
        while (i < to) {
            char c = s.charAt(i);
            if (!Character.isLetterOrDigit(c)) {
                break;
            }
            char p = s.charAt(i - 1);
            if (Character.isUpperCase(c) && Character.isLowerCase(p)) {
                break; // apiKey
            }
            if (Character.isUpperCase(c) && Character.isUpperCase(p) && i + 1 < to
                    && Character.isLowerCase(s.charAt(i + 1))) {
                break; // APIKey
            }
            i++;
        }
        return (long) start << 32 | i;
    }

    /** A name's words in lower case (for building terms from configured names; not on the hot path). */
    static List<String> words(String s) {
        List<String> out = new ArrayList<>(6);
        for (long w = nextWord(s, 0, s.length()); w != NONE; w = nextWord(s, end(w), s.length())) {
            out.add(s.substring(start(w), end(w)).toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /**
     * Reversed terms as a trie (first-child / next-sibling arrays): walking a name backwards from a word's end
     * meets, at depth d, the node of its last d letters, marked with the first term (in list order) spelled by them.
     */
    private static final class SuffixTrie {
        static final long NO_MATCHES = -1;
        private char[] label = new char[256];
        private int[] firstChild = new int[256];
        private int[] nextSibling = new int[256];
        /** The lowest list index of a term ending at the node, or -1. */
        private int[] term = new int[256];
        private byte[] kinds = new byte[0];
        private int size = 1;

        SuffixTrie() {
            firstChild[0] = -1;
            nextSibling[0] = -1;
            term[0] = -1;
        }

        void add(String t, int index, byte kind) {
            if (kinds.length <= index) {
                kinds = java.util.Arrays.copyOf(kinds, index + 16);
            }
            kinds[index] = kind;
            int node = 0;
            for (int k = t.length() - 1; k >= 0; k--) {
                node = child(node, t.charAt(k), true);
            }
            if (term[node] < 0) {
                term[node] = index;
            }
        }

        byte kind(int index) {
            return kinds[index];
        }

        private int child(int node, char c, boolean create) {
            for (int ch = firstChild[node]; ch >= 0; ch = nextSibling[ch]) {
                if (label[ch] == c) {
                    return ch;
                }
            }
            if (!create) {
                return -1;
            }
            if (size == label.length) {
                int n = size * 2;
                label = java.util.Arrays.copyOf(label, n);
                firstChild = java.util.Arrays.copyOf(firstChild, n);
                nextSibling = java.util.Arrays.copyOf(nextSibling, n);
                term = java.util.Arrays.copyOf(term, n);
            }
            int made = size++;
            label[made] = c;
            firstChild[made] = -1;
            term[made] = -1;
            nextSibling[made] = firstChild[node];
            firstChild[node] = made;
            return made;
        }

        /**
         * Walks back from the end of {@code cur} (less its last char if {@code dropS}) through prev1 and prev2.
         * Returns, packed 21 bits per run (cur; prev1+cur; prev2+prev1+cur), the first term (lowest list index) met
         * within each run, plus one (0: none); or {@link #NO_MATCHES}. A run the walk did not reach is left 0: it
         * holds no other term, so its verdict would be the shorter run's.
         */
        long walk(CharSequence key, long prev2, long prev1, long cur, boolean dropS) {
            int node = 0;
            int best = Integer.MAX_VALUE;
            long packed = 0;
            long word = cur;
            int end = end(cur) - (dropS ? 1 : 0);
            for (int run = 0; run < 3; run++) {
                for (int k = end - 1; k >= start(word) && node >= 0; k--) {
                    node = child(node, lower(key.charAt(k)), false);
                    if (node >= 0 && term[node] >= 0 && term[node] < best) {
                        best = term[node];
                    }
                }
                if (best != Integer.MAX_VALUE) {
                    packed |= (long) (best + 1) << (21 * run);
                }
                word = run == 0 ? prev1 : prev2;
                if (word == NONE || node < 0) {
                    break;
                }
                end = end(word);
            }
            return packed == 0 ? NO_MATCHES : packed;
        }

        /** The first term within run {@code run} of a {@link #walk} result, or -1. */
        static int at(long packed, int run) {
            return packed == NO_MATCHES ? -1 : (int) ((packed >>> (21 * run)) & 0x1FFFFF) - 1;
        }
    }
}
