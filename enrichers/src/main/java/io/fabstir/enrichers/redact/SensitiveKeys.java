package io.fabstir.enrichers.redact;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
    static final Set<String> WORD_TERMS = Set.of("pass", "sig", "dsn");

    /** Words after any term that make the name describe the credential rather than hold it. */
    private static final Set<String> DESCRIPTORS = Set.of(
            "count", "counts", "total", "length", "len", "size", "type", "types", "ttl", "expiry", "expires",
            "expiration", "expired", "age", "policy", "strength", "rotation", "rotated", "enabled", "required",
            "file", "path", "sent", "failed", "errors", "retries", "attempts", "status", "version");
    /** More words after "key" with the same effect ({@code api_key_id}: the key's id, not the key). */
    private static final Set<String> KEY_DESCRIPTORS = Set.of("id", "ids", "name", "names", "alias", "fingerprint");
    /** Words after "token" that make the name describe the token rather than hold it. */
    private static final Set<String> TOKEN_QUALIFIERS = Set.of(
            "id", "ids", "count", "counts", "used", "limit", "limits", "type", "length", "ttl", "expiry",
            "expires", "expiration", "address", "symbol", "name", "amount", "balance", "standard", "decimals",
            "url", "uri", "endpoint", "usage", "budget", "rate", "price", "per", "index");
    /** Words before "token" with the same effect ({@code max_token}, {@code num_token}). */
    private static final Set<String> TOKEN_PREFIX_QUALIFIERS = Set.of("max", "min", "num", "total", "erc", "nft");

    private final String[] terms;
    /** Cheap pre-filter: every sensitive name contains one of these (case-insensitively). */
    private final String[] stems;

    SensitiveKeys(Collection<String> extraTerms) {
        List<String> all = new ArrayList<>(DEFAULT_TERMS);
        for (String kind : CREDENTIAL_KEY_KINDS) {
            all.add(kind + "key");
        }
        List<String> stemList = new ArrayList<>(List.of(
                "pass", "pwd", "secret", "token", "mnemonic", "auth", "cookie", "credential", "key", "seed",
                "session", "jwt", "hook", "sig", "dsn"));
        for (String extra : extraTerms) {
            List<String> words = words(extra, 0, extra.length());
            if (words.isEmpty()) {
                continue;
            }
            all.add(String.join("", words));
            stemList.add(words.get(0));
        }
        this.terms = all.toArray(String[]::new);
        this.stems = stemList.toArray(String[]::new);
    }

    boolean matches(CharSequence key, int from, int to) {
        if (to - from < 3 || to - from > 128 || !containsStem(key, from, to)) {
            return false;
        }
        List<String> words = words(key, from, to);
        int n = words.size();
        for (int i = 0; i < n; i++) {
            if (WORD_TERMS.contains(words.get(i)) && !describes(words, i, false)) {
                return true;
            }
            StringBuilder joined = new StringBuilder(32);
            for (int j = i; j < n && j < i + 3; j++) {
                joined.append(words.get(j));
                String term = matchingTerm(joined);
                if (term == null) {
                    continue;
                }
                if (term.equals("token") ? tokenIsQualified(words, j, joined) : describes(words, j, term.endsWith("key"))) {
                    continue;
                }
                return true;
            }
        }
        return false;
    }

    /** Whether the word after {@code last} says the name is about the credential ({@code password_length}). */
    private static boolean describes(List<String> words, int last, boolean key) {
        if (last + 1 >= words.size()) {
            return false;
        }
        String next = words.get(last + 1);
        return DESCRIPTORS.contains(next) || (key && KEY_DESCRIPTORS.contains(next));
    }

    private static boolean tokenIsQualified(List<String> words, int last, CharSequence joined) {
        if (joined.length() > 5 && joined.charAt(joined.length() - 1) == 's') {
            return true; // "tokens", "maxtokens": counts, never secrets
        }
        if (describes(words, last, false)
                || (last + 1 < words.size() && TOKEN_QUALIFIERS.contains(words.get(last + 1)))) {
            return true;
        }
        return last > 0 && words.get(last).equals("token") && TOKEN_PREFIX_QUALIFIERS.contains(words.get(last - 1));
    }

    /** The term that {@code joined} equals or ends with (optionally plus "s"), or null. */
    private String matchingTerm(CharSequence joined) {
        int len = joined.length();
        for (String term : terms) {
            int tl = term.length();
            if (endsWith(joined, len, term, tl)) {
                return term;
            }
            if (len > tl && joined.charAt(len - 1) == 's' && endsWith(joined, len - 1, term, tl)) {
                return term;
            }
        }
        return null;
    }

    private static boolean endsWith(CharSequence s, int end, String term, int tl) {
        if (end < tl) {
            return false;
        }
        int off = end - tl;
        for (int k = 0; k < tl; k++) {
            if (s.charAt(off + k) != term.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private boolean containsStem(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = lower(s.charAt(i));
            for (String stem : stems) {
                if (stem.charAt(0) == c && regionEqualsIgnoreCase(s, i, to, stem)) {
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

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /** Splits a name into lower-case words at non-alphanumerics and camelCase boundaries. */
    static List<String> words(CharSequence s, int from, int to) {
        List<String> out = new ArrayList<>(6);
        int i = from;
        while (i < to) {
            while (i < to && !Character.isLetterOrDigit(s.charAt(i))) {
                i++;
            }
            if (i >= to) {
                break;
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
            out.add(s.subSequence(start, i).toString().toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
