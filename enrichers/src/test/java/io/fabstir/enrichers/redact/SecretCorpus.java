package io.fabstir.enrichers.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Realistic secrets of every family the redactor masks, and the look-alikes it must leave alone, for the corpus
 * tests of the encoder, the edge enricher and the whole pipeline (shared as the enrichers test jar).
 *
 * <p>The secrets are made at run time from a seeded random source and split prefixes, so the repository holds no
 * string a secret scanner (or a push-protection hook) would take for a real credential, and each run checks the
 * same values.
 */
public final class SecretCorpus {

    /**
     * One secret.
     *
     * @param family      what it is, e.g. {@code webhook/discord}
     * @param name        the field name it is stored under, or null when its shape alone gives it away
     * @param value       the value as an operator would log it
     * @param distinctive the part that must never reach a sink (the token, not the kept scheme, host or id)
     */
    public record Secret(String family, String name, String value, String distinctive) {
        @Override
        public String toString() {
            return family;
        }
    }

    /** A value that looks like a secret (or sits under a name that contains a secret's word) and must survive. */
    public record LookAlike(String name, Object value) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Windows shorter than this are not checked: short runs of random text occur anywhere by chance. */
    private static final int WINDOW = 12;
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final String URLSAFE = ALNUM + "_-";
    private static final String HEX = "0123456789abcdef";
    private static final String UPPER_DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final String B64 = ALNUM + "+/";
    private static final String[] BIP39_SAMPLE = {
        "abandon", "ability", "able", "about", "above", "absent", "absorb", "abstract", "absurd", "abuse", "access",
        "accident", "account", "accuse", "achieve", "acid", "acoustic", "acquire", "across", "act", "action", "actor",
        "actress", "actual", "adapt", "add", "addict", "address", "adjust", "admit", "adult", "advance", "advice",
        "aerobic", "affair", "afford", "afraid", "again", "age", "agent", "agree", "ahead", "aim", "air", "airport"
    };

    private static final List<Secret> SECRETS = build(new Random(14));

    private SecretCorpus() {
    }

    /** More than 40 secrets over the families: webhooks, incident-tool keys, bot tokens, mail, cloud, code hosting,
     * AI/payment API keys, wallets, auth headers and URLs: keys in URL paths (RPC and API providers, the generic
     * shape after a version segment), URL userinfo and credential query parameters. */
    public static List<Secret> secrets() {
        return SECRETS;
    }

    private static List<Secret> build(Random r) {
        List<Secret> s = new ArrayList<>();
        // webhooks: scheme, host and id stay, the token goes
        String discord = rnd(r, URLSAFE, 68);
        s.add(new Secret("webhook/discord", null,
                "https://discord.com/api/webhooks/" + rnd(r, "0123456789", 18) + "/" + discord, discord));
        String canary = rnd(r, URLSAFE, 68);
        s.add(new Secret("webhook/discordapp", null,
                "https://canary.discordapp.com/api/webhooks/" + rnd(r, "0123456789", 19) + "/" + canary, canary));
        String slack = rnd(r, ALNUM, 24);
        s.add(new Secret("webhook/slack", null, "https://hooks.slack." + "com/services/T" + rnd(r, UPPER_DIGITS, 8)
                + "/B" + rnd(r, UPPER_DIGITS, 10) + "/" + slack, slack));
        String slackFlow = rnd(r, ALNUM, 32);
        s.add(new Secret("webhook/slack-workflow", null, "https://hooks.slack." + "com/workflows/T" + rnd(r, UPPER_DIGITS, 8)
                + "/A" + rnd(r, UPPER_DIGITS, 10) + "/" + rnd(r, "0123456789", 18) + "/" + slackFlow, slackFlow));
        String teams = rnd(r, HEX, 32);
        s.add(new Secret("webhook/teams", null, "https://fabstir.webhook.office.com/webhookb2/" + guid(r) + "@"
                + guid(r) + "/IncomingWebhook/" + teams + "/" + guid(r) + "/V2" + rnd(r, URLSAFE, 40), teams));
        String generic = rnd(r, ALNUM, 40);
        s.add(new Secret("webhook/generic", null, "https://alerts.example.org/webhooks/42/" + generic, generic));
        String mattermost = rnd(r, "abcdefghijklmnopqrstuvwxyz0123456789", 26);
        s.add(new Secret("webhook/mattermost", null, "https://chat.example.org/hooks/" + mattermost, mattermost));
        String rocket = rnd(r, ALNUM, 48);
        s.add(new Secret("webhook/rocketchat", null,
                "https://rocket.example.org/hooks/" + rnd(r, ALNUM, 17) + "/" + rocket, rocket));
        String gchat = rnd(r, URLSAFE, 43);
        s.add(new Secret("webhook/google-chat", null, "https://chat.googleapis.com/v1/spaces/AAAA" + rnd(r, ALNUM, 7)
                + "/messages?threadKey=ops&token=" + gchat, gchat));
        String logicSig = rnd(r, URLSAFE, 43);
        s.add(new Secret("webhook/power-automate", null, "https://prod-12.westeurope.logic.azure.com:443/workflows/"
                + rnd(r, HEX, 32) + "/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual"
                + "%2Frun&sv=1.0&sig=" + logicSig, logicSig));
        // incident tools
        String routing = rnd(r, HEX, 32);
        s.add(new Secret("incident/pagerduty-routing-key", "routing_key", routing, routing));
        String integration = rnd(r, HEX, 32);
        s.add(new Secret("incident/pagerduty-integration-key", "pagerduty_integration_key", integration, integration));
        String serviceKey = rnd(r, HEX, 32);
        s.add(new Secret("incident/alertmanager-service-key", "service_key", serviceKey, serviceKey));
        String opsgenie = guid(r);
        s.add(new Secret("incident/opsgenie-api-key", "opsgenieApiKey", opsgenie, opsgenie));
        // chat bots
        String tg = "AA" + rnd(r, URLSAFE, 33);
        s.add(new Secret("bot/telegram", null, rnd(r, "123456789", 10) + ":" + tg, tg));
        String tgUrl = "AA" + rnd(r, URLSAFE, 33);
        s.add(new Secret("bot/telegram-url", null,
                "https://api.telegram.org/bot" + rnd(r, "123456789", 9) + ":" + tgUrl + "/sendMessage", tgUrl));
        String discordBot = "M" + rnd(r, ALNUM, 23) + "." + rnd(r, URLSAFE, 6) + "." + rnd(r, URLSAFE, 27);
        s.add(new Secret("bot/discord-bot-token", null, discordBot, discordBot));
        String xoxb = rnd(r, ALNUM, 24);
        s.add(new Secret("bot/slack-bot-token", null, "xo" + "xb-" + rnd(r, "0123456789", 12) + "-"
                + rnd(r, "0123456789", 13) + "-" + xoxb, xoxb));
        String xapp = rnd(r, HEX, 64);
        s.add(new Secret("bot/slack-app-token", null, "xa" + "pp-1-A" + rnd(r, UPPER_DIGITS, 10) + "-"
                + rnd(r, "0123456789", 13) + "-" + xapp, xapp));
        String botToken = rnd(r, ALNUM, 30);
        s.add(new Secret("bot/bot-token-by-name", "bot_token", botToken, botToken));
        // mail
        String smtp = "Pw-" + rnd(r, ALNUM, 16);
        s.add(new Secret("mail/smtp-auth-password", "smtp_auth_password", smtp, smtp));
        String mailPass = rnd(r, ALNUM, 18);
        s.add(new Secret("mail/mail-pass", "MAIL_PASS", mailPass, mailPass));
        String sendgrid = rnd(r, URLSAFE, 22) + "." + rnd(r, URLSAFE, 43);
        s.add(new Secret("mail/sendgrid", null, "S" + "G." + sendgrid, sendgrid));
        String mailgun = rnd(r, "abcdefghijklmnopqrstuvwxyz0123456789", 32);
        s.add(new Secret("mail/mailgun-legacy", null, "ke" + "y-" + mailgun, mailgun));
        String mailgunNew = rnd(r, HEX, 32) + "-" + rnd(r, HEX, 8) + "-" + rnd(r, HEX, 8);
        s.add(new Secret("mail/mailgun", null, mailgunNew, mailgunNew));
        String smtpUrl = rnd(r, ALNUM, 16);
        s.add(new Secret("mail/smtp-url", null, "smtp://alerts:" + smtpUrl + "@smtp.example.org:587", smtpUrl));
        // cloud
        String akia = rnd(r, UPPER_DIGITS, 16);
        s.add(new Secret("cloud/aws-access-key-id", null, "AK" + "IA" + akia, akia));
        String asia = rnd(r, UPPER_DIGITS, 16);
        s.add(new Secret("cloud/aws-temporary-key-id", null, "AS" + "IA" + asia, asia));
        String awsSecret = rnd(r, B64, 40);
        s.add(new Secret("cloud/aws-secret-access-key", "aws_secret_access_key", awsSecret, awsSecret));
        String aiza = rnd(r, URLSAFE, 35);
        s.add(new Secret("cloud/gcp-api-key", null, "AI" + "za" + aiza, aiza));
        String ya29 = rnd(r, URLSAFE, 60);
        s.add(new Secret("cloud/gcp-oauth-token", null, "ya" + "29." + ya29, ya29));
        String gocspx = rnd(r, URLSAFE, 28);
        s.add(new Secret("cloud/google-client-secret", null, "GOC" + "SPX-" + gocspx, gocspx));
        String azureAd = rnd(r, ALNUM, 3) + "8Q" + "~" + rnd(r, ALNUM + "_~.-", 34);
        s.add(new Secret("cloud/azure-ad-client-secret", null, azureAd, azureAd.substring(6)));
        String accountKey = rnd(r, B64, 86) + "==";
        s.add(new Secret("cloud/azure-storage-connection-string", null, "DefaultEndpointsProtocol=https;AccountName="
                + "fabstirlogs;AccountKey=" + accountKey + ";EndpointSuffix=core.windows.net", accountKey));
        String sas = rnd(r, ALNUM, 40) + "%3D";
        s.add(new Secret("cloud/azure-sas-url", null, "https://fabstirlogs.blob.core.windows.net/logs?sv=2022-11-02"
                + "&ss=b&srt=o&sp=r&se=2026-12-31T00:00:00Z&sig=" + sas, sas));
        // code hosting
        String ghp = rnd(r, ALNUM, 36);
        s.add(new Secret("code/github-classic-token", null, "gh" + "p_" + ghp, ghp));
        String ghFine = rnd(r, ALNUM, 22) + "_" + rnd(r, ALNUM, 59);
        s.add(new Secret("code/github-fine-grained-token", null, "github" + "_pat_" + ghFine, ghFine));
        String ghs = rnd(r, ALNUM, 36);
        s.add(new Secret("code/github-token-in-clone-url", null,
                "https://x-access-token:" + "gh" + "s_" + ghs + "@github.com/fabstir/node.git", ghs));
        String glpat = rnd(r, URLSAFE, 20);
        s.add(new Secret("code/gitlab-token", null, "gl" + "pat-" + glpat, glpat));
        // AI and payment APIs
        String openai = rnd(r, URLSAFE, 48);
        s.add(new Secret("api/openai-key", null, "s" + "k-proj-" + openai, openai));
        String stripe = rnd(r, ALNUM, 24);
        s.add(new Secret("api/stripe-secret-key", null, "sk" + "_live_" + stripe, stripe));
        String whsec = rnd(r, ALNUM, 32);
        s.add(new Secret("api/stripe-webhook-secret", null, "wh" + "sec_" + whsec, whsec));
        String hf = rnd(r, ALNUM, 34);
        s.add(new Secret("api/huggingface-token", null, "h" + "f_" + hf, hf));
        String xApiKey = rnd(r, ALNUM, 32);
        s.add(new Secret("api/x-api-key-header", "X-API-Key", xApiKey, xApiKey));
        // wallets
        String pk = rnd(r, HEX, 64);
        s.add(new Secret("wallet/private-key-0x", null, "0x" + pk, pk));
        String pkBare = rnd(r, HEX, 64);
        s.add(new Secret("wallet/private-key-bare", null, pkBare, pkBare));
        StringBuilder phrase = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            phrase.append(i == 0 ? "" : " ").append(BIP39_SAMPLE[r.nextInt(BIP39_SAMPLE.length)]);
        }
        s.add(new Secret("wallet/seed-phrase", null, phrase.toString(), phrase.toString()));
        String xprv = rnd(r, BASE58, 95);
        s.add(new Secret("wallet/bip32-extended-private-key", null, "xp" + "rv9s21ZrQH143K" + xprv, xprv));
        // auth
        String jwtSig = rnd(r, URLSAFE, 43);
        s.add(new Secret("auth/jwt", null, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJub2RlLTcifQ." + jwtSig, jwtSig));
        String bearer = rnd(r, URLSAFE, 40);
        s.add(new Secret("auth/bearer", null, "Authorization: Bearer " + bearer, bearer));
        String basic = rnd(r, ALNUM, 14);
        s.add(new Secret("auth/basic-auth-url", null, "https://admin:" + basic + "@grafana.example.org/api", basic));
        String dsn = rnd(r, HEX, 32);
        s.add(new Secret("auth/sentry-dsn", null, "https://" + dsn + "@o123456.ingest.sentry.io/4504", dsn));
        String dbPassword = rnd(r, ALNUM, 20);
        s.add(new Secret("auth/db-password", "db_password", dbPassword, dbPassword));
        String clientSecret = rnd(r, URLSAFE, 32);
        s.add(new Secret("auth/client-secret", "clientSecret", clientSecret, clientSecret));
        String pemBody = rnd(r, B64, 64);
        s.add(new Secret("auth/pem-private-key", null, "-----BEGIN " + "PRIVATE KEY-----\n" + pemBody + "\n"
                + rnd(r, B64, 64) + "\n-----END " + "PRIVATE KEY-----", pemBody));
        urlPathKeys(r, s);
        urlUserinfo(r, s);
        urlQueryCredentials(r, s);
        return List.copyOf(s);
    }

    /** RPC and API providers' keys as URL path segments (scheme, host, version, chain stay), and the generic shape. */
    private static void urlPathKeys(Random r, List<Secret> s) {
        String[][] shapes = {
            {"infura", "https://mainnet.infura.io/v3/", HEX, "32", ""},
            {"infura-websocket", "wss://sepolia.infura.io/ws/v3/", HEX, "32", ""},
            {"alchemy", "https://eth-mainnet.g.alchemy.com/v2/", ALNUM, "32", ""},
            {"alchemy-legacy-host", "https://polygon-mainnet.alchemyapi.io/v2/", ALNUM, "32", ""},
            {"alchemy-nft-api", "https://eth-mainnet.g.alchemy.com/nft/v3/", ALNUM, "32", "/getNFTsForOwner?owner=0xa"},
            {"quicknode", "https://old-silent-pond.quiknode.pro/", HEX, "40", "/"},
            {"chainstack", "https://nd-123-456-789.p2pify.com/", HEX, "32", ""},
            {"getblock", "https://go.getblock.io/", HEX, "32", "/"},
            {"ankr", "https://rpc.ankr.com/eth/", HEX, "64", ""},
            {"pokt", "https://eth-mainnet.gateway.pokt.network/v1/lb/", HEX, "24", ""},
            {"tenderly", "https://mainnet.gateway.tenderly.co/", ALNUM, "22", ""},
            {"moralis", "https://site1.moralis-nodes.com/eth/", HEX, "32", ""},
            {"drpc", "https://lb.drpc.org/ethereum/", ALNUM, "40", ""},
            {"generic-after-version", "https://rpc.fabstir-partner.example/v1/", ALNUM, "28", "/mainnet"},
        };
        for (String[] shape : shapes) {
            String key = keyWithDigit(r, shape[2], Integer.parseInt(shape[3]));
            s.add(new Secret("url-path/" + shape[0], null, shape[1] + key + shape[4], key));
        }
        String blast = guid(r);
        s.add(new Secret("url-path/blast", null, "https://eth-mainnet.blastapi.io/" + blast, blast));
        String nownodes = guid(r);
        s.add(new Secret("url-path/nownodes", null, "https://eth.nownodes.io/" + nownodes, nownodes));
    }

    /** Passwords and tokens in the userinfo of URLs that the other families do not have. */
    private static void urlUserinfo(Random r, List<Secret> s) {
        String withAt = rnd(r, ALNUM, 10) + "@" + rnd(r, ALNUM, 10);
        s.add(new Secret("url-userinfo/password-with-at-sign", null,
                "postgres://fabstir:" + withAt + "@db.internal:5432/jobs", withAt));
        String redis = rnd(r, ALNUM, 24);
        s.add(new Secret("url-userinfo/password-without-user", null, "redis://:" + redis + "@cache:6379/0", redis));
        String amqp = rnd(r, URLSAFE, 20);
        s.add(new Secret("url-userinfo/amqp-password", null, "amqps://node-7:" + amqp + "@mq.example.org/vhost",
                amqp));
        String rpcUser = rnd(r, ALNUM, 28);
        s.add(new Secret("url-userinfo/rpc-token-as-user", null, "https://" + rpcUser + "@rpc.example.org/eth",
                rpcUser));
    }

    /** Credentials as URL query parameters. */
    private static void urlQueryCredentials(Random r, List<Secret> s) {
        String etherscan = rnd(r, UPPER_DIGITS, 34);
        s.add(new Secret("url-query/etherscan-apikey", null, "https://api.etherscan.io/api?module=account"
                + "&action=balance&address=0x71c7656ec7ab88b098defb751b7401b5f6d8976f&apikey=" + etherscan, etherscan));
        String dkey = rnd(r, URLSAFE, 40);
        s.add(new Secret("url-query/drpc-dkey", null, "https://lb.drpc.org/ogrpc?network=ethereum&dkey=" + dkey, dkey));
        String helius = guid(r);
        s.add(new Secret("url-query/helius-api-key", null, "https://mainnet.helius-rpc.com/?api-key=" + helius,
                helius));
        String key = rnd(r, URLSAFE, 36);
        s.add(new Secret("url-query/key", null, "https://api.covalenthq.example/v1/1/block_v2/latest/?key=" + key,
                key));
        String access = rnd(r, ALNUM, 40);
        s.add(new Secret("url-query/access-token", null, "wss://stream.example.org/feed?access_token=" + access
                + "&channel=jobs", access));
        String signature = rnd(r, HEX, 128);
        s.add(new Secret("url-query/signed-url-signature", null, "https://storage.googleapis.example/models/w.bin"
                + "?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Expires=900&X-Goog-Signature=" + signature, signature));
    }

    /** A random key of {@code n} characters with at least one digit (as issued keys have). */
    private static String keyWithDigit(Random r, String alphabet, int n) {
        String k = rnd(r, alphabet, n - 1);
        int at = r.nextInt(n);
        return k.substring(0, at) + r.nextInt(10) + k.substring(at);
    }

    /**
     * Look-alikes that must come out exactly as they went in: counts and ids under names with "token" or "key" in
     * them, hashes under hash names, trace/span/event ids, wallet addresses, URLs and mail addresses without
     * credentials (a SHA under {@code /v1/commits/}, {@code /v2/models/mistral-7b}, UUID resource ids, a public RPC
     * URL, Alchemy's {@code demo} key, an IPFS CID), class names.
     */
    public static List<LookAlike> lookAlikes() {
        String hash = "0x" + "9f2b".repeat(16);
        return List.of(
                new LookAlike("fabstir.job.tokens_used", 512),
                new LookAlike("max_tokens", 4096),
                new LookAlike("token_count", 77),
                new LookAlike("token_id", "nft-881"),
                new LookAlike("fabstir.audit.tx_hash", hash),
                new LookAlike("blockHash", "9f2b".repeat(16)),
                new LookAlike("keyboard", "us-intl"),
                new LookAlike("monkey", "banana"),
                new LookAlike("key_count", 12),
                new LookAlike("primary_key", "job-42"),
                new LookAlike("cache_key", "model:llama-3-8b"),
                new LookAlike("dedup_key", "job-42-failed"),
                new LookAlike("key", "gpu-0"),
                new LookAlike("api_key_id", "key-ops-2026"),
                new LookAlike("password_length", 16),
                new LookAlike("token_url", "https://auth.example.org/oauth/token"),
                new LookAlike("trace.id", "0af7651916cd43dd8448eb211c80319c"),
                new LookAlike("span.id", "b7ad6b7169203331"),
                new LookAlike("request_id", "01890a5d-ac96-774b-bcce-b302099a8057"),
                new LookAlike("user.id", "0x71c7656ec7ab88b098defb751b7401b5f6d8976f"),
                new LookAlike("model_url", "https://huggingface.co/meta-llama/Meta-Llama-3-8B-Instruct"),
                new LookAlike("contact", "ops@fabstir.com"),
                new LookAlike("logger_class", "io.fabstir.otel.logging.FabstirJsonEncoder"),
                new LookAlike("note", "webhook delivered to the ops channel in 120 ms, 3 retries"),
                // URLs whose path or query holds ids, hashes and names, not keys
                new LookAlike("commit_url", "https://api.example.org/v1/commits/" + "9f2b".repeat(10)),
                new LookAlike("model_endpoint", "https://api.example.org/v2/models/mistral-7b"),
                new LookAlike("job_url", "https://api.example.org/v1/jobs/01890a5d-ac96-774b-bcce-b302099a8057"),
                new LookAlike("resource_url", "https://api.example.org/v1/01890a5d-ac96-774b-bcce-b302099a8057"),
                new LookAlike("otlp_endpoint", "http://collector:4318/v1/traces"),
                new LookAlike("public_rpc", "https://rpc.ankr.com/eth"),
                new LookAlike("alchemy_demo", "https://eth-mainnet.g.alchemy.com/v2/demo"),
                new LookAlike("ipfs_url",
                        "https://ipfs.io/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi"),
                new LookAlike("explorer_url", "https://api.etherscan.io/api?module=account&action=balance"
                        + "&address=0x71c7656ec7ab88b098defb751b7401b5f6d8976f&tag=latest"),
                new LookAlike("git_remote", "ssh://git@github.com/fabstir/node.git"),
                new LookAlike("sentence",
                        "the scheduler put the job back in the queue because the gpu was busy and will try again soon"));
    }

    /** Each secret as it appears in a log message: its shape alone, or {@code name=value} / {@code name: value}. */
    public static String inMessage(Secret s, int variant) {
        if (s.name() == null) {
            return "alert channel " + variant + " configured: " + s.value() + " (ok)";
        }
        return switch (variant % 3) {
            case 0 -> "loaded config " + s.name() + "=" + s.value() + " from env";
            case 1 -> "alertmanager receiver: {\"" + s.name() + "\": \"" + s.value() + "\", \"send_resolved\": true}";
            default -> "yaml line " + s.name() + ": " + s.value();
        };
    }

    /** A nested object holding the secret: under its name, or under a neutral name when its shape gives it away. */
    public static ObjectNode nested(Secret s) {
        ObjectNode channel = JsonNodeFactory.instance.objectNode();
        channel.put("kind", s.family());
        channel.put(s.name() == null ? "target" : s.name(), s.value());
        ObjectNode alerting = JsonNodeFactory.instance.objectNode();
        alerting.set("channel", channel);
        return alerting;
    }

    /** An array of strings holding the secret (alone, or as {@code name=value}), after a clean element. */
    public static ArrayNode array(Secret s) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        a.add("primary channel");
        a.add(s.name() == null ? s.value() : s.name() + "=" + s.value());
        return a;
    }

    /** An array of objects holding the secret (Elasticsearch refuses arrays mixing strings and objects). */
    public static ArrayNode objects(Secret s) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        a.addObject().put("kind", "fallback");
        a.addObject().put(s.name() == null ? "url" : s.name(), s.value());
        return a;
    }

    /** The same placements as plain Java values, for the encoder's structured arguments. */
    public static Map<String, Object> nestedMap(Secret s) {
        return Map.of("channel", Map.of("kind", s.family(), s.name() == null ? "target" : s.name(), s.value()));
    }

    public static List<Object> list(Secret s) {
        return List.of(s.name() == null ? s.value() : s.name() + "=" + s.value(),
                Map.of(s.name() == null ? "url" : s.name(), s.value()));
    }

    /** One JSON record with the secret in its message, a nested field and two arrays, plus every look-alike. */
    public static ObjectNode record(Secret s, int n) {
        ObjectNode r = JsonNodeFactory.instance.objectNode();
        r.put("@timestamp", "2026-12-04T21:00:00.000Z");
        r.put("log.level", "WARN");
        r.put("message", inMessage(s, n));
        r.put("event.id", "corpus-" + n);
        r.set("fabstir.alerting", nested(s));
        r.set("fabstir.channels", array(s));
        r.set("fabstir.receivers", objects(s));
        ObjectNode extra = r.putObject("details");
        for (LookAlike l : lookAlikes()) {
            extra.set(l.name(), JSON.valueToTree(l.value()));
        }
        return r;
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The first window of a secret's distinctive part found in {@code text}, or null if none leaked. */
    public static String leak(Secret s, String text) {
        String d = s.distinctive();
        if (d.length() <= WINDOW) {
            return text.contains(d) ? d : null;
        }
        for (int i = 0; i + WINDOW <= d.length(); i++) {
            String w = d.substring(i, i + WINDOW);
            if (text.contains(w)) {
                return w;
            }
        }
        return null;
    }

    /** Every secret that leaked into {@code text}, with the window found ({@code family: window}). */
    public static List<String> leaks(String text) {
        List<String> out = new ArrayList<>();
        for (Secret s : SECRETS) {
            String w = leak(s, text);
            if (w != null) {
                out.add(s.family() + ": " + w);
            }
        }
        return out;
    }

    /** The look-alikes that did not come out unchanged in {@code details} of a record. */
    public static List<String> damagedLookAlikes(JsonNode details) {
        List<String> out = new ArrayList<>();
        for (LookAlike l : lookAlikes()) {
            JsonNode v = details == null ? null : details.get(l.name());
            if (v == null || !v.equals(JSON.valueToTree(l.value()))) {
                out.add(l.name() + " = " + v);
            }
        }
        return out;
    }

    private static String rnd(Random r, String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return sb.toString();
    }

    private static String guid(Random r) {
        return rnd(r, HEX, 8) + "-" + rnd(r, HEX, 4) + "-" + rnd(r, HEX, 4) + "-" + rnd(r, HEX, 4) + "-"
                + rnd(r, HEX, 12);
    }
}
