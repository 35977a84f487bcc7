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
                int hash = name.hashCode(); // any hash of exactly the name's characters will do
                assertThat(verdicts.sensitive(text, 2, 2 + name.length(), hash))
                        .as(name).isEqualTo(keys.matches(name, 0, name.length()));
            }
        }
    }

    @Test
    void aNameIsComparedByItsExactSpellingNotByItsHash() {
        String secret = "password";
        String count = "tokens_used";
        // the same (deliberately colliding) hash for both: the second must not get the first one's verdict
        assertThat(verdicts.sensitive(secret, 0, secret.length(), 42)).isTrue();
        assertThat(verdicts.sensitive(count, 0, count.length(), 42)).isFalse();
        assertThat(verdicts.sensitive(secret, 0, secret.length(), 42)).isTrue();
    }
}
