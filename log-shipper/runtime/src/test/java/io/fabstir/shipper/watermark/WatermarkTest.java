package io.fabstir.shipper.watermark;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WatermarkTest {
    private final Watermark<Watermark.Mark> w = new Watermark<>(100);

    @Test
    void positionStaysAtStartUntilTheFirstItemIsDone() {
        w.register(new Watermark.Mark(150));
        assertThat(w.position()).isEqualTo(100);
        assertThat(w.idle()).isFalse();
    }

    @Test
    void positionMovesOnlyPastAnUnbrokenRunOfDoneItems() {
        Watermark.Mark a = w.register(new Watermark.Mark(150));
        Watermark.Mark b = w.register(new Watermark.Mark(180));
        Watermark.Mark c = w.register(new Watermark.Mark(240));
        w.done(c);
        w.done(b);
        assertThat(w.position()).as("a is still on its way").isEqualTo(100);
        w.done(a);
        assertThat(w.position()).isEqualTo(240);
        assertThat(w.idle()).isTrue();
    }

    @Test
    void anItemIsDoneOnce() {
        Watermark.Mark a = w.register(new Watermark.Mark(150));
        assertThat(w.done(a)).isTrue();
        assertThat(w.done(a)).isFalse();
    }

    @Test
    void clearingForgetsOpenItemsAndKeepsThePosition() {
        w.done(w.register(new Watermark.Mark(150)));
        Watermark.Mark open = w.register(new Watermark.Mark(200));
        w.clear();
        w.done(open);
        assertThat(w.position()).isEqualTo(150);
        assertThat(w.idle()).isTrue();
    }
}
