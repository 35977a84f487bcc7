package io.fabstir.enrichers.redact;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeyVerdictsTest {

    private final SensitiveKeys keys = new SensitiveKeys(List.of());
    private final KeyVerdicts verdicts = new KeyVerdicts(keys);

    @Test
    void everyVerdictFromTheCacheIsTheVerdictOfTheName() {
        // more names than slots, sensitive and not, so entries collide and are replaced
        List<String> names = new ArrayList<>();
        String[] words = {"api", "key", "token", "tokens", "used", "secret", "duration", "ms", "id", "password", "len"};
        for (int i = 0; i < 3000; i++) {
            names.add(words[i % words.length] + "_" + words[(i / words.length) % words.length] + i % 7);
        }
        for (int round = 0; round < 2; round++) {
            for (String name : names) {
                String text = "x " + name + "=1";
                assertThat(verdicts.sensitive(text, 2, 2 + name.length()))
                        .as(name).isEqualTo(keys.matches(name, 0, name.length()));
            }
        }
    }

    @Test
    void namesOfTheSameSlotAreComparedByTheirSpelling() {
        // same length, the same characters at both ends and in the middle: the same slots
        String secret = "api_secret_key";
        String count = "api_keyr_id_ey";
        assertThat(keys.matches(count, 0, count.length())).isFalse();
        assertThat(verdicts.sensitive(secret, 0, secret.length())).isTrue();
        assertThat(verdicts.sensitive(count, 0, count.length())).isFalse();
        assertThat(verdicts.sensitive(secret, 0, secret.length())).isTrue();
        assertThat(verdicts.sensitive(count, 0, count.length())).isFalse();
    }
}
