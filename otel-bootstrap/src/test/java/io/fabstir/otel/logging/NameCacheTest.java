package io.fabstir.otel.logging;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class NameCacheTest {

    private final AtomicInteger built = new AtomicInteger();
    private final NameCache<String[]> cache = new NameCache<>(256, e -> e[0], n -> {
        built.incrementAndGet();
        return new String[] {n};
    });

    @Test
    void anEntryIsBuiltOnceAndThenServedFromTheCache() {
        String[] first = cache.get("fabstir.job.id");
        assertThat(cache.get(new String("fabstir.job.id"))).isSameAs(first);
        assertThat(built).hasValue(1);
    }

    @Test
    void twoNamesOfTheSameSlotAreBothKept() {
        // these two share their first slot in a table of 256 (the benchmark's structured arguments)
        assertThat("max_tokens".hashCode() & 255).isEqualTo("prompt_tokens".hashCode() & 255);
        String[] max = cache.get("max_tokens");
        String[] prompt = cache.get("prompt_tokens");
        for (int i = 0; i < 3; i++) {
            assertThat(cache.get("max_tokens")).isSameAs(max);
            assertThat(cache.get("prompt_tokens")).isSameAs(prompt);
        }
        assertThat(built).hasValue(2);
    }
}
