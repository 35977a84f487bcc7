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
 *   passwords and tokens in URLs ({@code scheme://user:pass@host}, {@code https://<token>@host}), keys in URL
 *   paths (RPC and API providers' {@code https://mainnet.infura.io/v3/<key>}, {@code https://x.quiknode.pro/<key>/},
 *   ..., and a long opaque segment after {@code /v1/}, {@code /v2/}, ... on any host), credential query parameters
 *   ({@code ?apikey=}, {@code &token=}, {@code ?key=}, {@code &sig=}), webhook URLs
 *   (Discord, Slack, Teams, Mattermost, generic {@code /webhooks/<id>/<token>}: the token only), credentials by
 *   their own shape (AWS, GCP, Azure, GitHub, GitLab, Slack, SendGrid, Mailgun, Stripe, OpenAI, Hugging Face keys,
 *   Telegram and Discord bot tokens, BIP-32 extended private keys), {@code key=value} / {@code key: value} pairs
 *   with a sensitive key, 64-hex-digit private keys (with or without {@code 0x}; a value labelled as a hash, e.g.
 *   {@code txHash=0x…}, is kept), and BIP-39 seed phrases (12+ consecutive words of the BIP-39 list).</li>
 * </ul>
 * Only the secret is replaced by {@link #MASK}; the surrounding text stays. A string known to be one URL (a
 * configured endpoint) has a stricter entry point, {@link #redactUrl}. Text without any trigger character
 * sequence is returned after one linear pre-scan ({@code Prescan}), without running a regular expression. This
 * class holds the public API, the order of the rules and the JSON tree walk; each family of rules is a class of its
 * own ({@code SensitiveKeys}, {@code KeyValues}, {@code CredentialShapes}, {@code HexKeys}, {@code Mnemonics},
 * {@code TokenPatterns}, {@code UrlCredentials}, {@code WebhookUrls}). Instances are immutable and thread-safe.
 */
public final class Redactor {

    public static final String MASK = "[REDACTED]";

    private static final Redactor DEFAULTS = builder().build();
    private static final Redactor DISABLED = builder().enabled(false).build();

    private static final int KEY_CACHE_LIMIT = 10_000;
    private static final String WHOLE = Matcher.quoteReplacement(MASK);

    private final boolean enabled;
    private final boolean hexKeys;
    private final boolean mnemonics;
    private final SensitiveKeys keys;
    private final KeyValues keyValues;
    private final List<Pattern> extraPatterns;
    /** Names repeat endlessly (MDC keys, JSON fields), so their verdict is cached; bounded against key floods. */
    private final Map<String, Boolean> keyCache = new ConcurrentHashMap<>();

    private Redactor(Builder b) {
        this.enabled = b.enabled;
        this.hexKeys = b.hexKeys;
        this.mnemonics = b.mnemonics;
        this.keys = new SensitiveKeys(b.extraKeys);
        this.keyValues = new KeyValues(keys);
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

    /**
     * Masks the credentials of a string that is one URL, such as a configured endpoint shown in {@code /health}, a
     * dashboard or a log line: stricter than {@link #redactText}, since it is known to be a URL rather than prose.
     * The whole userinfo goes (user names too: {@code https://[REDACTED]@host}), and every path segment and query
     * value that looks like a key, on any host (an unknown RPC provider's {@code https://rpc.example.org/<key>});
     * then every rule of {@link #redactText} applies. Scheme, host, port, version segments and ordinary path
     * segments stay, so the operator still sees which endpoint it is.
     *
     * @return {@code url} itself (same instance) when nothing matched
     */
    public String redactUrl(String url) {
        if (!enabled || url == null || url.isEmpty()) {
            return url;
        }
        return redactText(UrlCredentials.redact(url, true));
    }

    /** Whether {@code key}'s last word names a hash (see {@link #redactValue}); case- and separator-insensitive. */
    public static boolean isHashKey(CharSequence key) {
        return HexKeys.isHashKey(key);
    }

    private String redact(String text, boolean hexRule) {
        if (!enabled || text == null || text.isEmpty()) {
            return text;
        }
        if (CredentialShapes.isPemBodyLine(text)) {
            return MASK; // a key printed across lines, split into lines by the edge (length-gated: cheap)
        }
        int flags = Prescan.scan(text);
        String out = text;
        if (flags != 0) {
            if ((flags & Prescan.PEM) != 0) {
                out = TokenPatterns.pem(out);
            }
            if ((flags & Prescan.JWT) != 0) {
                out = TokenPatterns.jwt(out);
            }
            if ((flags & Prescan.BEARER) != 0) {
                out = TokenPatterns.bearer(out);
            }
            if ((flags & Prescan.URL) != 0) {
                out = UrlCredentials.redact(out, false);
            }
            if ((flags & Prescan.WEBHOOK) != 0) {
                out = WebhookUrls.redact(out, MASK);
            }
            if ((flags & Prescan.SHAPE) != 0) {
                out = CredentialShapes.redact(out, MASK);
            }
            if ((flags & Prescan.KEY_VALUE) != 0) {
                out = keyValues.redact(out);
            }
            if ((flags & Prescan.HEX) != 0 && hexRule) {
                out = HexKeys.redact(out);
            }
            if ((flags & Prescan.MNEMONIC) != 0 && mnemonics) {
                out = Mnemonics.redact(out, MASK);
            }
        }
        if (!extraPatterns.isEmpty()) {
            for (int i = 0; i < extraPatterns.size(); i++) {
                out = Masking.replaceAll(extraPatterns.get(i), out, WHOLE);
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
