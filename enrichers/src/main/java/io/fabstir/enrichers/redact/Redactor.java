package io.fabstir.enrichers.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks secrets in log records, used by the in-app encoder and again by the edge shipper so both apply the same
 * rules. Two kinds of rule:
 * <ul>
 *   <li>sensitive <em>names</em> ({@link #isSensitiveKey}), by the kind of credential they name: passwords
 *   (password, passwd, pwd, pass, passphrase), secrets, tokens, credentials, webhooks, authorization, cookies,
 *   session ids, JWTs, mnemonics and seed phrases, DSNs, {@code sig}, and keys that are credentials (api, private,
 *   access, secret, signing, routing, integration, service, license, ... and service-named keys such as
 *   {@code sendgrid_key}), in any case and with any separators ({@code apiKey}, {@code API-KEY},
 *   {@code x_api_key}); counts and ids such as {@code tokens_used}, {@code key_count}, {@code primary_key},
 *   {@code api_key_id} are not (see {@code SensitiveKeys});</li>
 *   <li>patterns in free text ({@link #redactText}): PEM private-key blocks (and a text that is one PEM body
 *   line: a plain-text log split into lines at the edge), JWTs, {@code Bearer} tokens,
 *   passwords and tokens in URLs ({@code scheme://user:pass@host}, {@code https://<token>@host}), webhook URLs
 *   (Discord, Slack, Teams, Mattermost, generic {@code /webhooks/<id>/<token>}: the token only), credentials by
 *   their own shape (AWS, GCP, Azure, GitHub, GitLab, Slack, SendGrid, Mailgun, Stripe, OpenAI, Hugging Face keys,
 *   Telegram and Discord bot tokens, BIP-32 extended private keys), {@code key=value} / {@code key: value} pairs
 *   with a sensitive key, 64-hex-digit private keys (with or without {@code 0x}; a value labelled as a hash, e.g.
 *   {@code txHash=0x…}, is kept), and BIP-39 seed phrases (12+ consecutive words of the BIP-39 list).</li>
 * </ul>
 * Only the secret is replaced by {@link #MASK}; the surrounding text stays. Text without any trigger character
 * sequence is returned after one linear pre-scan, without running a regular expression. Instances are immutable
 * and thread-safe.
 */
public final class Redactor {

    public static final String MASK = "[REDACTED]";

    private static final Redactor DEFAULTS = builder().build();
    private static final Redactor DISABLED = builder().enabled(false).build();

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY-----.*?(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY-----|\\z)",
            Pattern.DOTALL);
    private static final Pattern JWT = Pattern.compile(
            "\\beyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*");
    private static final Pattern BEARER = Pattern.compile(
            "(?i)\\b(bearer)\\s+[A-Za-z0-9._~+/=-]{8,}");
    private static final Pattern URL_CREDENTIALS = Pattern.compile(
            "\\b([A-Za-z][A-Za-z0-9+.-]{0,20}://)([^\\s:/@\\[\\]]*):([^\\s/@]+)@");
    /** A token as the whole user part ({@code https://<key>@o1.ingest.sentry.io/2}, {@code https://ghp_…@github.com}). */
    private static final Pattern URL_TOKEN_USER = Pattern.compile(
            "\\b([A-Za-z][A-Za-z0-9+.-]{0,20}://)[A-Za-z0-9_.~-]{16,}@");

    private static final int PEM_FLAG = 1;
    private static final int JWT_FLAG = 2;
    private static final int BEARER_FLAG = 4;
    private static final int URL_FLAG = 8;
    private static final int KV_FLAG = 16;
    private static final int HEX_FLAG = 32;
    private static final int MNEMONIC_FLAG = 64;
    private static final int WEBHOOK_FLAG = 128;
    private static final int SHAPE_FLAG = 256;

    /** Labels (key names ending with these) under which a 64-hex value is a hash, not a key. */
    private static final String[] HASH_LABELS = {
        "hash", "tx", "txid", "digest", "root", "checksum", "sha256", "commit", "fingerprint", "blockhash"
    };

    private static final int KEY_CACHE_LIMIT = 10_000;

    private final boolean enabled;
    private final boolean hexKeys;
    private final boolean mnemonics;
    private final SensitiveKeys keys;
    private final List<Pattern> extraPatterns;
    /** Names repeat endlessly (MDC keys, JSON fields), so their verdict is cached; bounded against key floods. */
    private final Map<String, Boolean> keyCache = new ConcurrentHashMap<>();

    private Redactor(Builder b) {
        this.enabled = b.enabled;
        this.hexKeys = b.hexKeys;
        this.mnemonics = b.mnemonics;
        this.keys = new SensitiveKeys(b.extraKeys);
        this.extraPatterns = List.copyOf(b.extraPatterns);
    }

    /** The built-in rules, enabled. */
    public static Redactor defaults() {
        return DEFAULTS;
    }

    /** A redactor that changes nothing. */
    public static Redactor disabled() {
        return DISABLED;
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isEnabled() {
        return enabled;
    }

    /** Whether a value stored under this name must be masked whole. Case- and separator-insensitive. */
    public boolean isSensitiveKey(CharSequence key) {
        if (!enabled || key == null) {
            return false;
        }
        if (key instanceof String s) {
            Boolean cached = keyCache.get(s);
            if (cached != null) {
                return cached;
            }
            boolean verdict = keys.matches(s, 0, s.length());
            if (keyCache.size() < KEY_CACHE_LIMIT) {
                keyCache.put(s, verdict);
            }
            return verdict;
        }
        return keys.matches(key, 0, key.length());
    }

    /**
     * Masks the secrets found in free text and keeps everything else.
     *
     * @return {@code text} itself (same instance) when nothing matched
     */
    public String redactText(String text) {
        return redact(text, hexKeys);
    }

    /**
     * Masks the secrets in a value stored under {@code key}. Under a name that says hash ({@code tx_hash},
     * {@code blockHash}, {@code fabstir.audit.txid}, ...) a 64-hex value is the hash it claims to be, not a private
     * key, so it is kept; every other rule applies as in {@link #redactText}.
     *
     * @return {@code value} itself (same instance) when nothing matched
     */
    public String redactValue(CharSequence key, String value) {
        return redact(value, hexKeys && !isHashKey(key));
    }

    /** Whether {@code key}'s last word names a hash (see {@link #redactValue}); case- and separator-insensitive. */
    public static boolean isHashKey(CharSequence key) {
        if (key == null) {
            return false;
        }
        int e = key.length();
        int b = e;
        while (b > 0 && isWordChar(key.charAt(b - 1))) {
            b--;
        }
        // the label may be the whole last word (txid) or its tail (tx_hash, blockHash); compared in place, as the
        // encoder asks this for nested map keys on every event
        // a plural names an array of them (tx_hashes, txids)
        int plural = e - b > 2 && Character.toLowerCase(key.charAt(e - 1)) == 's'
                ? (Character.toLowerCase(key.charAt(e - 2)) == 'e' ? 2 : 1) : 0;
        for (String label : HASH_LABELS) {
            int len = label.length();
            if (e - b >= len && endsWithIgnoreCase(key, e, label)) {
                return true;
            }
            for (int p = 1; p <= plural; p++) {
                if (e - p - b >= len && endsWithIgnoreCase(key, e - p, label)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean endsWithIgnoreCase(CharSequence s, int end, String suffix) {
        for (int i = 0, from = end - suffix.length(); i < suffix.length(); i++) {
            if (Character.toLowerCase(s.charAt(from + i)) != suffix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private String redact(String text, boolean hexRule) {
        if (!enabled || text == null || text.isEmpty()) {
            return text;
        }
        if (CredentialShapes.isPemBodyLine(text)) {
            return MASK; // a key printed across lines, split into lines by the edge (length-gated: cheap)
        }
        int flags = prescan(text);
        String out = text;
        if (flags != 0) {
            if ((flags & PEM_FLAG) != 0) {
                out = replaceAll(PEM, out, MASK);
            }
            if ((flags & JWT_FLAG) != 0) {
                out = replaceAll(JWT, out, MASK);
            }
            if ((flags & BEARER_FLAG) != 0) {
                out = replaceAll(BEARER, out, "$1 " + MASK);
            }
            if ((flags & URL_FLAG) != 0) {
                out = replaceAll(URL_CREDENTIALS, out, "$1$2:" + Matcher.quoteReplacement(MASK) + "@");
                out = replaceAll(URL_TOKEN_USER, out, "$1" + Matcher.quoteReplacement(MASK) + "@");
            }
            if ((flags & WEBHOOK_FLAG) != 0) {
                out = WebhookUrls.redact(out, MASK);
            }
            if ((flags & SHAPE_FLAG) != 0) {
                out = CredentialShapes.redact(out, MASK);
            }
            if ((flags & KV_FLAG) != 0) {
                out = redactKeyValues(out);
            }
            if ((flags & HEX_FLAG) != 0 && hexRule) {
                out = redactHexKeys(out);
            }
            if ((flags & MNEMONIC_FLAG) != 0 && mnemonics) {
                out = Mnemonics.redact(out, MASK);
            }
        }
        if (!extraPatterns.isEmpty()) {
            for (int i = 0; i < extraPatterns.size(); i++) {
                out = replaceAll(extraPatterns.get(i), out, Matcher.quoteReplacement(MASK));
            }
        }
        return out;
    }

    /**
     * Redacts a JSON tree in place: values under sensitive names (at any depth, whole objects and arrays
     * included) become {@link #MASK}; every other string value goes through {@link #redactValue} with its name.
     *
     * @return whether anything was changed
     */
    public boolean redact(JsonNode node) {
        return enabled && node != null && redact(node, null);
    }

    /** @param name the field holding an array (its strings are judged by it: {@code tx_hashes} keeps hashes) */
    private boolean redact(JsonNode node, String name) {
        boolean changed = false;
        if (node instanceof ObjectNode obj) {
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode value = field.getValue();
                if (value.isNull() || value.isMissingNode()) {
                    continue;
                }
                if (isSensitiveKey(field.getKey())) {
                    if (!(value.isTextual() && MASK.equals(value.textValue()))) {
                        field.setValue(TextNode.valueOf(MASK));
                        changed = true;
                    }
                } else if (value.isTextual()) {
                    String redacted = redactValue(field.getKey(), value.textValue());
                    if (redacted != value.textValue()) {
                        field.setValue(TextNode.valueOf(redacted));
                        changed = true;
                    }
                } else if (value.isContainerNode()) {
                    changed |= redact(value, field.getKey());
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                if (value.isTextual()) {
                    String redacted = name == null ? redactText(value.textValue()) : redactValue(name, value.textValue());
                    if (redacted != value.textValue()) {
                        array.set(i, TextNode.valueOf(redacted));
                        changed = true;
                    }
                } else if (value.isContainerNode()) {
                    changed |= redact(value, value.isArray() ? name : null);
                }
            }
        }
        return changed;
    }

    /** Character classes for the pre-scan (ASCII only; anything else is "other"). */
    private static final byte[] CLASS = new byte[128];
    private static final int C_HEX = 1;
    private static final int C_LOWER = 2;
    private static final int C_SPACE = 4;
    private static final int C_TRIGGER = 8;
    /** A character of a word that {@link CredentialShapes} looks at. */
    private static final int C_WORD = 16;
    /** Shortest text any length-bound rule can match: 64 hex digits, or 12 words of 3+ letters. */
    private static final int LONG_RULES_MIN = Math.min(64, Mnemonics.MIN_WORDS * 4 - 1);

    static {
        for (char c = '0'; c <= '9'; c++) {
            CLASS[c] |= C_HEX;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            CLASS[c] |= C_LOWER;
        }
        for (char c = 'a'; c <= 'f'; c++) {
            CLASS[c] |= C_HEX;
            CLASS[c - 32] |= C_HEX;
        }
        for (char c = 0; c < 128; c++) {
            if (CredentialShapes.isWordChar(c)) {
                CLASS[c] |= C_WORD;
            }
        }
        for (char c : new char[] {' ', '\t', '\n', '\r'}) {
            CLASS[c] |= C_SPACE;
        }
        // 'y' rather than 'e' for "eyJ": far rarer in ordinary text, so fewer trigger checks
        for (char c : new char[] {'=', ':', '-', 'y', 'b', 'B'}) {
            CLASS[c] |= C_TRIGGER;
        }
    }

    /**
     * One linear pass that says which rules could possibly match, so clean text costs no regex at all. This runs
     * on every logged string: short strings get a handful of intrinsic indexOf scans, long ones a table lookup
     * per character with the hex-run, word-run and mnemonic bookkeeping. The rules it flags are either hand-written
     * scans themselves (key/value, credential shapes, hex keys, mnemonics) or regexes gated by a literal that the
     * regex needs ({@code -----BEGIN}, {@code eyJ}, {@code bearer}, {@code ://…@}, {@code ://…hook}): ordinary log
     * text has none of those, so it never reaches a regular expression.
     */
    private static int prescan(String s) {
        int n = s.length();
        if (n < LONG_RULES_MIN) {
            // short text (most field values): a few intrinsic (SIMD) indexOf scans beat a per-char loop
            int flags = 0;
            if (s.indexOf('=') >= 0) {
                flags |= KV_FLAG;
            }
            int colon = s.indexOf(':');
            if (colon >= 0) {
                flags |= KV_FLAG;
                int scheme = s.indexOf("://", colon);
                if (scheme >= 0) {
                    if (s.indexOf('@', scheme) > 0) {
                        flags |= URL_FLAG;
                    }
                    if (hasHook(s, scheme)) {
                        flags |= WEBHOOK_FLAG;
                    }
                }
            }
            if (s.indexOf("-----BEGIN") >= 0) {
                flags |= PEM_FLAG;
            }
            if (s.indexOf("eyJ") >= 0) {
                flags |= JWT_FLAG;
            }
            if (s.indexOf("earer") > 0 || s.indexOf("EARER") > 0) {
                flags |= BEARER_FLAG;
            }
            if (n >= CredentialShapes.MIN_LENGTH) {
                flags |= SHAPE_FLAG; // the shapes' own scan is the cheap per-word check
            }
            return flags;
        }
        int flags = 0;
        int hexRun = 0;
        int wordRun = 0;
        int lowerWords = 0;
        int wordLen = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            int k = c < 128 ? CLASS[c] : 0;
            if ((k & C_HEX) != 0) {
                if (++hexRun >= 64) {
                    flags |= HEX_FLAG;
                }
            } else {
                hexRun = 0;
            }
            if ((k & C_WORD) != 0) {
                if (++wordRun >= CredentialShapes.MIN_LENGTH) {
                    flags |= SHAPE_FLAG;
                }
            } else {
                wordRun = 0;
            }
            if ((k & C_LOWER) != 0) {
                wordLen++;
            } else if ((k & C_SPACE) != 0) {
                if (wordLen > 0) {
                    if (wordLen >= 3 && wordLen <= 8) {
                        if (++lowerWords >= Mnemonics.MIN_WORDS - 1) {
                            flags |= MNEMONIC_FLAG;
                        }
                    } else {
                        lowerWords = 0;
                    }
                    wordLen = 0;
                }
            } else {
                wordLen = 0;
                lowerWords = 0;
            }
            if ((k & C_TRIGGER) != 0) {
                flags |= trigger(s, i, c);
            }
        }
        return flags;
    }

    /** "hook" in any case at or after {@code from}: a webhook URL's host or path. */
    private static boolean hasHook(String s, int from) {
        for (int i = from, n = s.length() - 3; i < n; i++) {
            if ((s.charAt(i) | 0x20) == 'h' && s.regionMatches(true, i, "hook", 0, 4)) {
                return true;
            }
        }
        return false;
    }

    private static int trigger(String s, int i, char c) {
        int n = s.length();
        switch (c) {
            case '=':
                return KV_FLAG;
            case ':':
                if (i + 2 < n && s.charAt(i + 1) == '/' && s.charAt(i + 2) == '/') {
                    int flags = KV_FLAG;
                    if (s.indexOf('@', i) > 0) {
                        flags |= URL_FLAG;
                    }
                    if (hasHook(s, i)) {
                        flags |= WEBHOOK_FLAG;
                    }
                    return flags;
                }
                return KV_FLAG;
            case '-':
                return s.startsWith("-----BEGIN", i) ? PEM_FLAG : 0;
            case 'y':
                return i > 0 && i + 1 < n && s.charAt(i - 1) == 'e' && s.charAt(i + 1) == 'J' ? JWT_FLAG : 0;
            default: // b, B
                return s.regionMatches(true, i, "bearer", 0, 6) ? BEARER_FLAG : 0;
        }
    }

    private static String replaceAll(Pattern p, String text, String replacement) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            return text;
        }
        StringBuilder sb = new StringBuilder(text.length());
        do {
            m.appendReplacement(sb, replacement);
        } while (m.find());
        m.appendTail(sb);
        // already-masked text (the edge re-applies the rules) must come back as the same instance
        return sb.length() == text.length() && sb.toString().equals(text) ? text : sb.toString();
    }

    private static boolean isKeyChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.';
    }

    /** {@code key=value}, {@code key: value}, {@code "key":"value"} with a sensitive key: masks the value. */
    private String redactKeyValues(String s) {
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

    /** Standalone 64-hex-digit words, optionally 0x-prefixed, unless labelled as a hash. */
    private static String redactHexKeys(String s) {
        StringBuilder out = null;
        int copied = 0;
        int n = s.length();
        int i = 0;
        while (i < n) {
            if (!isWordChar(s.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && isWordChar(s.charAt(i))) {
                i++;
            }
            int hexStart = start;
            if (i - start == 66 && s.charAt(start) == '0' && (s.charAt(start + 1) == 'x' || s.charAt(start + 1) == 'X')) {
                hexStart = start + 2;
            }
            if (i - hexStart == 64 && allHex(s, hexStart, i) && !labelledAsHash(s, start)) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                out.append(s, copied, start).append(MASK);
                copied = i;
            }
        }
        if (out == null) {
            return s;
        }
        return out.append(s, copied, n).toString();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    private static boolean allHex(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            char c = s.charAt(k);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean labelledAsHash(String s, int valueStart) {
        int e = valueStart;
        int limit = Math.max(0, valueStart - 6);
        while (e > limit && " =:\"'".indexOf(s.charAt(e - 1)) >= 0) {
            e--;
        }
        if (e == valueStart) {
            return false;
        }
        int b = e;
        while (b > 0 && isWordChar(s.charAt(b - 1))) {
            b--;
        }
        for (String label : HASH_LABELS) {
            int len = label.length();
            if (e - b >= len && s.regionMatches(true, e - len, label, 0, len)) {
                return true;
            }
        }
        return false;
    }

    /** Builder for a redactor with extra rules or some rules switched off. */
    public static final class Builder {
        private boolean enabled = true;
        private boolean hexKeys = true;
        private boolean mnemonics = true;
        private final List<String> extraKeys = new ArrayList<>();
        private final List<Pattern> extraPatterns = new ArrayList<>();

        private Builder() {
        }

        /** Off: every method passes values through unchanged. */
        public Builder enabled(boolean enabled) {
            this.enabled = enabled;
            return this;
        }

        /** An extra sensitive name, matched like the built-in ones ({@code "ssn"}, {@code "wallet seed"}). */
        public Builder sensitiveKey(String key) {
            extraKeys.add(Objects.requireNonNull(key, "key"));
            return this;
        }

        /** An extra free-text pattern; each whole match is replaced by the mask. Runs on every text. */
        public Builder pattern(Pattern pattern) {
            extraPatterns.add(Objects.requireNonNull(pattern, "pattern"));
            return this;
        }

        public Builder pattern(String regex) {
            return pattern(Pattern.compile(regex));
        }

        /** Mask standalone 64-hex-digit values (default on). */
        public Builder hexKeys(boolean on) {
            this.hexKeys = on;
            return this;
        }

        /** Mask BIP-39 seed phrases (default on). */
        public Builder mnemonics(boolean on) {
            this.mnemonics = on;
            return this;
        }

        public Redactor build() {
            return new Redactor(this);
        }
    }
}
