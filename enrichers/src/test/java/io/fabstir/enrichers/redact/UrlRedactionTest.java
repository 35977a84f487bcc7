package io.fabstir.enrichers.redact;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Random;

import static io.fabstir.enrichers.redact.Redactor.MASK;
import static org.assertj.core.api.Assertions.assertThat;

/** The URL rules: userinfo, keys in paths (RPC and API providers, the generic shape), credential query parameters. */
class UrlRedactionTest {

    private final Redactor redactor = Redactor.defaults();
    // keys are made at run time: the repository holds nothing a secret scanner flags
    private static final Random R = new Random(22);
    private static final String HEX32 = rnd("0123456789abcdef", 32);
    private static final String HEX40 = rnd("0123456789abcdef", 40);
    private static final String HEX64 = rnd("0123456789abcdef", 64);
    private static final String B62 = rnd("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);
    private static final String UUID = rnd("0123456789abcdef", 8) + "-" + rnd("0123456789abcdef", 4) + "-"
            + rnd("0123456789abcdef", 4) + "-" + rnd("0123456789abcdef", 4) + "-" + rnd("0123456789abcdef", 12);

    /** A URL with {@code <key>} where the key goes: the URL as logged, and as it must come out. */
    record Shape(String name, String template, String key) {
        String logged() {
            return template.replace("<key>", key);
        }

        String masked() {
            return template.replace("<key>", MASK);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Shape> providerUrls() {
        return List.of(
                new Shape("infura", "https://mainnet.infura.io/v3/<key>", HEX32),
                new Shape("infura-websocket", "wss://sepolia.infura.io/ws/v3/<key>", HEX32),
                new Shape("alchemy", "https://eth-mainnet.g.alchemy.com/v2/<key>", B62),
                new Shape("alchemy-legacy-host", "https://eth-mainnet.alchemyapi.io/v2/<key>", B62),
                new Shape("alchemy-nft-api", "https://eth-mainnet.g.alchemy.com/nft/v3/<key>/getNFTsForOwner", B62),
                new Shape("quicknode", "https://old-silent-pond.quiknode.pro/<key>/", HEX40),
                new Shape("chainstack", "https://nd-123-456-789.p2pify.com/<key>", HEX32),
                new Shape("blast", "https://eth-mainnet.blastapi.io/<key>", UUID),
                new Shape("getblock", "https://go.getblock.io/<key>/", HEX32),
                new Shape("ankr", "https://rpc.ankr.com/eth/<key>", HEX64),
                new Shape("pokt", "https://eth-mainnet.gateway.pokt.network/v1/lb/<key>", HEX32.substring(0, 24)),
                new Shape("grove", "https://eth.rpc.grove.city/v1/<key>", HEX32.substring(0, 8)),
                new Shape("tenderly", "https://mainnet.gateway.tenderly.co/<key>", B62.substring(0, 22)),
                new Shape("nownodes", "https://eth.nownodes.io/<key>", UUID),
                new Shape("moralis", "https://site1.moralis-nodes.com/eth/<key>", HEX32),
                new Shape("drpc", "https://lb.drpc.org/ethereum/<key>", B62),
                new Shape("generic-after-version", "https://rpc.example.org/v1/<key>/eth", B62),
                new Shape("generic-after-version-hex", "https://api.example.org/api/v2/<key>", HEX40));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providerUrls")
    void aKeyInTheUrlPathIsMaskedAndSchemeHostAndVersionKept(Shape url) {
        assertThat(redactor.redactText("chain monitor connected to " + url.logged() + " at block 21000000"))
                .isEqualTo("chain monitor connected to " + url.masked() + " at block 21000000");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providerUrls")
    void aKeyInTheUrlPathIsMaskedInAJsonValue(Shape url) {
        assertThat(redactor.redactValue("rpc_url", url.logged())).isEqualTo(url.masked());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://api.example.org/v1/commits/<sha>",
        "https://api.github.com/repos/fabstir/node/commits/<sha>",
        "https://api.example.org/v2/models/mistral-7b",
        "https://api.example.org/v1/jobs/<uuid>",
        "https://api.example.org/v1/<uuid>",
        "https://api.example.org/v1/meta-llama-3-8b-instruct",
        "https://huggingface.co/meta-llama/Meta-Llama-3-8B-Instruct/resolve/main/config.json",
        "https://api.openai.com/v1/chat/completions",
        "http://collector:4318/v1/traces",
        "http://loki:3100/loki/api/v1/push",
        "https://rpc.ankr.com/eth",
        "https://eth-mainnet.g.alchemy.com/v2/demo",
        "https://cloudflare-eth.com/v1/mainnet",
        "https://ipfs.io/ipfs/bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
        "http://127.0.0.1:5001/api/v0/cat?arg=QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
        "https://api.etherscan.io/api?module=account&action=balance&address=0x71c7656ec7ab88b098defb751b7401b5f6d8976f",
        "https://cache.example.org/artifacts?sort_key=name&partition_key=eu",
        "ssh://git@github.com/fabstir/node.git",
    })
    void lookAlikesInUrlsSurvive(String template) {
        String url = template.replace("<sha>", HEX40).replace("<uuid>", UUID);
        String text = "fetched " + url + " in 120 ms";
        assertThat(redactor.redactText(text)).isSameAs(text);
    }

    @Test
    void credentialQueryParametersLoseTheirValueAndTheOthersStay() {
        String etherscan = "https://api.etherscan.io/api?module=account"
                + "&address=0x71c7656ec7ab88b098defb751b7401b5f6d8976f&apikey=" + B62.substring(0, 20) + "&tag=latest";
        assertThat(redactor.redactText(etherscan)).isEqualTo("https://api.etherscan.io/api?module=account"
                + "&address=0x71c7656ec7ab88b098defb751b7401b5f6d8976f&apikey=" + MASK + "&tag=latest");
        assertThat(redactor.redactText("https://lb.drpc.org/ogrpc?network=ethereum&dkey=" + B62))
                .isEqualTo("https://lb.drpc.org/ogrpc?network=ethereum&dkey=" + MASK);
        assertThat(redactor.redactText("https://mainnet.helius-rpc.com/?api-key=" + UUID))
                .isEqualTo("https://mainnet.helius-rpc.com/?api-key=" + MASK);
        assertThat(redactor.redactText("GET https://maps.example.com/geo?q=x&key=" + B62 + " 200"))
                .isEqualTo("GET https://maps.example.com/geo?q=x&key=" + MASK + " 200");
    }

    @Test
    void keyIsACredentialNameOnlyInAUrlQuery() {
        String text = "cache key=model-weights hit";
        assertThat(redactor.redactText(text)).isSameAs(text);
    }

    @Test
    void aUrlInAnotherUrlsQueryLosesItsCredentialsToo() {
        assertThat(redactor.redactText("GET https://node-7.example.org/jobs?u=smtp://alerts:p4ss" + B62 + "@smtp.x.org:587"))
                .isEqualTo("GET https://node-7.example.org/jobs?u=smtp://alerts:" + MASK + "@smtp.x.org:587");
        assertThat(redactor.redactText("login https://id.example.org/cb?next=https://mainnet.infura.io/v3/" + HEX32
                + "&state=1")).isEqualTo("login https://id.example.org/cb?next=https://mainnet.infura.io/v3/" + MASK
                + "&state=1");
        assertThat(redactor.redactUrl("https://node-7.example.org/jobs?u=postgres://fabstir:" + B62
                + "@db.internal:5432/jobs")).doesNotContain(B62);
    }

    @Test
    void aPasswordHoldingAnAtSignIsMaskedWhole() {
        assertThat(redactor.redactText("db postgres://fabstir:p@ss@db.local:5432/jobs up"))
                .isEqualTo("db postgres://fabstir:" + MASK + "@db.local:5432/jobs up");
    }

    @Test
    void aKeyAtTheEndOfASentenceIsMaskedAndThePunctuationKept() {
        assertThat(redactor.redactText("set rpc_url to https://mainnet.infura.io/v3/" + HEX32 + ". Done"))
                .isEqualTo("set rpc_url to https://mainnet.infura.io/v3/" + MASK + ". Done");
        assertThat(redactor.redactText("(https://mainnet.infura.io/v3/" + HEX32 + ")"))
                .isEqualTo("(https://mainnet.infura.io/v3/" + MASK + ")");
    }

    @Test
    void maskedUrlsComeBackUnchangedWhenRedactedAgain() {
        for (Shape url : providerUrls()) {
            String once = redactor.redactText(url.logged());
            assertThat(redactor.redactText(once)).as(url.name()).isSameAs(once);
            String strict = redactor.redactUrl(url.logged());
            assertThat(redactor.redactUrl(strict)).as(url.name()).isSameAs(strict);
        }
    }

    @Test
    void redactUrlDropsTheWholeUserinfo() {
        assertThat(redactor.redactUrl("https://admin:" + B62 + "@rpc.example.org:8545"))
                .isEqualTo("https://" + MASK + "@rpc.example.org:8545");
        assertThat(redactor.redactUrl("https://operator@rpc.example.org/"))
                .isEqualTo("https://" + MASK + "@rpc.example.org/");
    }

    @Test
    void redactUrlMasksKeyShapedSegmentsAndQueryValuesOnAnyHost() {
        assertThat(redactor.redactUrl("https://rpc.example.org/" + HEX32 + "/eth?network=mainnet&k=" + B62))
                .isEqualTo("https://rpc.example.org/" + MASK + "/eth?network=mainnet&k=" + MASK);
        assertThat(redactor.redactUrl("https://node.example.org/" + UUID))
                .isEqualTo("https://node.example.org/" + MASK);
    }

    @Test
    void redactUrlKeepsAnEndpointWithoutCredentials() {
        for (String url : new String[] {"http://localhost:8545", "https://rpc.ankr.com/eth", "ws://10.0.0.7:8546/ws",
            "https://eth-mainnet.g.alchemy.com/v2/demo", "https://api.example.org/v1/models/llama-3-8b"}) {
            assertThat(redactor.redactUrl(url)).as(url).isSameAs(url);
        }
    }

    @Test
    void redactUrlAppliesTheTextRulesToo() {
        assertThat(redactor.redactUrl("https://api.example.org/send?chat=1&token=abc123"))
                .isEqualTo("https://api.example.org/send?chat=1&token=" + MASK);
    }

    @Test
    void aDisabledRedactorLeavesUrlsAlone() {
        String url = "https://mainnet.infura.io/v3/" + HEX32;
        assertThat(Redactor.disabled().redactUrl(url)).isSameAs(url);
    }

    private static String rnd(String alphabet, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(alphabet.charAt(R.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
