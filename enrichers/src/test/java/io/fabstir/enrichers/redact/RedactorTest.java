package io.fabstir.enrichers.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.fabstir.enrichers.redact.Redactor.MASK;
import static org.assertj.core.api.Assertions.assertThat;

class RedactorTest {

    private final Redactor redactor = Redactor.defaults();

    private static final String HEX_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
    private static final String MNEMONIC =
            "legal winner thank year wave sausage worth useful legal winner thank yellow";

    @ParameterizedTest
    @ValueSource(strings = {
        "password", "PASSWORD", "db.password", "dbPassword", "passwd", "user_pwd", "passphrase", "secret",
        "clientSecret", "client-secret", "token", "access_token", "accessToken", "authToken", "refresh-token",
        "api_key", "apiKey", "API-KEY", "ApiKey", "APIKey", "x_api_key", "X-Api-Key", "xapikey", "private_key",
        "privateKey", "wallet.privateKey", "mnemonic", "seed_phrase", "seedPhrase", "authorization",
        "Proxy-Authorization", "cookie", "Set-Cookie", "credentials", "aws_secret_access_key", "jwt", "session_id",
        "routing_key", "routingKey", "PAGERDUTY_INTEGRATION_KEY", "service_key", "sendgrid_api_key", "mailgun_key",
        "smtp_auth_password", "MAIL_PASS", "smtp_pass", "bot_token", "webhook_url", "discordWebhook", "slack_webhooks",
        "sentry_dsn", "sig", "license_key", "AccountKey", "ssh_key", "client_credentials", "apiKeys",
        "client_secrets", "GITHUB_TOKEN", "X-Amz-Security-Token", "token_s3cret", "db.pass"
    })
    void sensitiveNamesAreRecognisedInAnyCaseAndSeparatorStyle(String key) {
        assertThat(redactor.isSensitiveKey(key)).as(key).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "message", "fabstir.job.id", "fabstir.job.tokens_used", "tokens_used", "max_tokens", "prompt_tokens",
        "token_id", "tokenId", "token_count", "tokenizer", "max_token", "keyboard", "monkey", "cache_key",
        "event.dataset", "user.id", "trace.id", "secretary", "author", "labels.region", "passenger",
        "key", "key_count", "primary_key", "sort_key", "dedup_key", "api_key_id", "password_length", "secret_file",
        "token_url", "bypass_cache", "design", "webhooks_sent", "signal", "prompt_tokens", "maxTokens",
        "num_token", "erc20_token_address", "completion_tokens_total", "TOKENS", "duration_ms", "request_id"
    })
    void ordinaryNamesAreNotSensitive(String key) {
        assertThat(redactor.isSensitiveKey(key)).as(key).isFalse();
    }

    @Test
    void textWithoutSecretsIsReturnedAsTheSameInstance() {
        String text = "job j-42 finished on gpu 0 after 1234 ms: model=llama-3-8b, tokens_used=512";
        assertThat(redactor.redactText(text)).isSameAs(text);
        String english = "the scheduler put the job back in the queue because the gpu was busy and will try again soon";
        assertThat(redactor.redactText(english)).isSameAs(english);
    }

    @Test
    void keyValuePairsWithSensitiveKeysLoseOnlyTheValue() {
        assertThat(redactor.redactText("login user=alice password=hunter2 from 10.0.0.1"))
                .isEqualTo("login user=alice password=" + MASK + " from 10.0.0.1");
        assertThat(redactor.redactText("config {\"apiKey\": \"sk-abc123\", \"region\": \"eu\"}"))
                .isEqualTo("config {\"apiKey\": \"" + MASK + "\", \"region\": \"eu\"}");
        assertThat(redactor.redactText("X-API-KEY: abc123def;next=1"))
                .isEqualTo("X-API-KEY: " + MASK + ";next=1");
        assertThat(redactor.redactText("tokens_used=512 token_id=7"))
                .isEqualTo("tokens_used=512 token_id=7");
    }

    @Test
    void aSensitiveKeysValueThatAnotherRuleMaskedInPartIsMaskedWholeWithOneClosingBracket() {
        String gh = "gh" + "p_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
        assertThat(redactor.redactText("env GITHUB_TOKEN=" + gh + " set"))
                .isEqualTo("env GITHUB_TOKEN=" + MASK + " set");
        String slack = "xo" + "xb-123456789012-1234567890123-abcdefghijklmnopqrstuvwx";
        assertThat(redactor.redactText("TOKEN=" + slack)).isEqualTo("TOKEN=" + MASK);
    }

    @Test
    void maskingTwiceGivesTheSameText() {
        String once = redactor.redactText("TOKEN=" + "gh" + "p_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8] done");
        assertThat(redactor.redactText(once)).isSameAs(once);
    }

    @Test
    void authorizationHeaderLosesSchemeCredential() {
        assertThat(redactor.redactText("Authorization: Basic dXNlcjpwYXNz sent"))
                .isEqualTo("Authorization: " + MASK + " sent");
    }

    @Test
    void bearerTokensAreMaskedAndTheSchemeKept() {
        assertThat(redactor.redactText("calling api with Bearer abcDEF123456.xyz-_~+/= now"))
                .isEqualTo("calling api with Bearer " + MASK + " now");
    }

    @Test
    void jwtsAreMasked() {
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assertThat(redactor.redactText("session " + jwt + " expired")).isEqualTo("session " + MASK + " expired");
    }

    @Test
    void pemPrivateKeyBlocksAreMaskedWhole() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAKC\n-----END RSA PRIVATE KEY-----";
        assertThat(redactor.redactText("loaded key\n" + pem + "\ndone")).isEqualTo("loaded key\n" + MASK + "\ndone");
        assertThat(redactor.redactText("cut -----BEGIN PRIVATE KEY-----\nMIIEow"))
                .isEqualTo("cut " + MASK);
        String cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
        assertThat(redactor.redactText(cert)).isSameAs(cert);
    }

    @Test
    void passwordsInUrlsAreMaskedAndUserAndHostKept() {
        assertThat(redactor.redactText("connecting to postgres://fabstir:s3cr3t@db.local:5432/jobs"))
                .isEqualTo("connecting to postgres://fabstir:" + MASK + "@db.local:5432/jobs");
        String plain = "fetching https://huggingface.co/models and mailing ops@fabstir.com";
        assertThat(redactor.redactText(plain)).isSameAs(plain);
    }

    @Test
    void hexPrivateKeysAreMaskedWithOrWithoutPrefix() {
        assertThat(redactor.redactText("imported " + HEX_KEY + " ok")).isEqualTo("imported " + MASK + " ok");
        assertThat(redactor.redactText("key 0x" + HEX_KEY)).isEqualTo("key " + MASK);
    }

    @Test
    void valuesLabelledAsHashesAreKept() {
        String tx = "submitted txHash=0x" + HEX_KEY + " block 12";
        assertThat(redactor.redactText(tx)).isSameAs(tx);
        String longer = "signature 0x" + HEX_KEY + HEX_KEY + " kept";
        assertThat(redactor.redactText(longer)).isSameAs(longer);
    }

    @Test
    void aHexValueStoredUnderAHashNameIsKeptButUnderAnyOtherNameMasked() {
        String hash = "0x" + HEX_KEY;
        for (String key : new String[] {"tx_hash", "fabstir.audit.tx_hash", "blockHash", "txid", "merkle_root"}) {
            assertThat(redactor.redactValue(key, hash)).as(key).isSameAs(hash);
        }
        for (String key : new String[] {"fabstir.audit.wallet", "value", "seed"}) {
            assertThat(redactor.redactValue(key, hash)).as(key).isEqualTo(MASK);
        }
        // the name exempts the hash only, not the value's other secrets
        assertThat(redactor.redactValue("tx_hash", hash + " password=pw")).isEqualTo(hash + " password=" + MASK);
    }

    @Test
    void aJsonTreeKeepsHashesUnderHashNames() throws Exception {
        JsonNode tree = new ObjectMapper().readTree("{\"fabstir.audit.tx_hash\":\"0x" + HEX_KEY
                + "\",\"details\":{\"blockHash\":\"" + HEX_KEY + "\",\"key\":\"" + HEX_KEY + "\"}}");
        redactor.redact(tree);
        assertThat(tree.get("fabstir.audit.tx_hash").asText()).isEqualTo("0x" + HEX_KEY);
        assertThat(tree.at("/details/blockHash").asText()).isEqualTo(HEX_KEY);
        assertThat(tree.at("/details/key").asText()).isEqualTo(MASK);
    }

    @Test
    void bip39MnemonicsAreMaskedAndSurroundingTextKept() {
        assertThat(redactor.redactText("restored wallet from: " + MNEMONIC + ". Done"))
                .isEqualTo("restored wallet from: " + MASK + ". Done");
        String elevenWords = "legal winner thank year wave sausage worth useful legal winner thank";
        assertThat(redactor.redactText(elevenWords)).isSameAs(elevenWords);
    }

    @Test
    void sensitiveValuesAreMaskedAtAnyDepthOfAJsonTree() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode tree = mapper.readTree("""
                {"message":"user=bob password=pw1","fabstir.job.tokens_used":12,
                 "db":{"url":"mysql://root:toor@h/db","credentials":{"user":"u","pass":"p"}},
                 "items":[{"apiKey":"k"},"Bearer abcdefghijkl"]}""");
        assertThat(redactor.redact(tree)).isTrue();
        assertThat(tree.get("message").asText()).isEqualTo("user=bob password=" + MASK);
        assertThat(tree.get("fabstir.job.tokens_used").asInt()).isEqualTo(12);
        assertThat(tree.at("/db/url").asText()).isEqualTo("mysql://root:" + MASK + "@h/db");
        assertThat(tree.at("/db/credentials").asText()).isEqualTo(MASK);
        assertThat(tree.at("/items/0/apiKey").asText()).isEqualTo(MASK);
        assertThat(tree.at("/items/1").asText()).isEqualTo("Bearer " + MASK);
        assertThat(redactor.redact(tree)).as("second pass changes nothing").isFalse();
    }

    @Test
    void builderAddsKeysAndPatternsAndCanSwitchRedactionOff() {
        Redactor custom = Redactor.builder().sensitiveKey("ssn").pattern("\\bacct-\\d{6}\\b").build();
        assertThat(custom.isSensitiveKey("customer_SSN")).isTrue();
        assertThat(custom.redactText("paid from acct-123456 today")).isEqualTo("paid from " + MASK + " today");

        Redactor off = Redactor.builder().enabled(false).build();
        String secret = "password=hunter2";
        assertThat(off.isSensitiveKey("password")).isFalse();
        assertThat(off.redactText(secret)).isSameAs(secret);
        assertThat(Redactor.disabled().isEnabled()).isFalse();
    }

    @Test
    void webhookTokensAreMaskedAndSchemeHostAndIdKept() {
        assertThat(redactor.redactText("posting to https://discord.com/api/webhooks/123456789012345678/Ab-c_DEFghijk0123"))
                .isEqualTo("posting to https://discord.com/api/webhooks/123456789012345678/" + MASK);
        assertThat(redactor.redactText("slack https://hooks.slack.com/services/T0ABCDEFG/B0ABCDEFGHI/abcdEFGH1234ijkl ok"))
                .isEqualTo("slack https://hooks.slack.com/services/T0ABCDEFG/B0ABCDEFGHI/" + MASK + " ok");
        String teams = "https://x.webhook.office.com/webhookb2/1a2b@3c4d/IncomingWebhook/0123456789abcdef/5e6f";
        assertThat(redactor.redactText(teams))
                .isEqualTo("https://x.webhook.office.com/webhookb2/1a2b@3c4d/IncomingWebhook/" + MASK);
    }

    @Test
    void credentialShapesKeepTheirPrefixAndLoseTheSecret() {
        String gh = "gh" + "p_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";
        assertThat(redactor.redactText("cloning with " + gh + ".")).isEqualTo("cloning with ghp_" + MASK + ".");
        assertThat(redactor.redactText("key AK" + "IAABCDEFGHIJ234567 used"))
                .isEqualTo("key AKIA" + MASK + " used");
        assertThat(redactor.redactText("bot 1234567890:AA" + "bcdefghijklmnopqrstuvwxyz0123456789 up"))
                .as("the bot id stays, the secret goes").isEqualTo("bot 1234567890:" + MASK + " up");
    }

    @Test
    void idsAndClassNamesThatAreLongWordsAreNotCredentialShapes() {
        String text = "trace 0af7651916cd43dd8448eb211c80319c event 01890a5d-ac96-774b-bcce-b302099a8057 at "
                + "io.fabstir.otel.logging.FabstirJsonEncoder by 0x71c7656ec7ab88b098defb751b7401b5f6d8976f";
        assertThat(redactor.redactText(text)).isSameAs(text);
    }

    @Test
    void hashesInAnArrayUnderAHashNameAreKept() throws Exception {
        JsonNode tree = new ObjectMapper().readTree("{\"tx_hashes\":[\"0x" + HEX_KEY + "\"],\"keys\":[\"" + HEX_KEY + "\"]}");
        redactor.redact(tree);
        assertThat(tree.at("/tx_hashes/0").asText()).isEqualTo("0x" + HEX_KEY);
        assertThat(tree.at("/keys/0").asText()).isEqualTo(MASK);
    }

    @Test
    void aTextThatIsOnePemBodyLineIsMaskedButAShortBase64DigestIsNot() {
        String body = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj";
        assertThat(redactor.redactText(body)).isEqualTo(MASK);
        String digest = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        assertThat(redactor.redactText(digest)).isSameAs(digest);
    }
}
