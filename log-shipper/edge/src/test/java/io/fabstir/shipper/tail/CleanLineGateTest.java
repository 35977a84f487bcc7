package io.fabstir.shipper.tail;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CleanLineGateTest {

    private static int tries(CleanLineGate gate, int lines) {
        int tried = 0;
        for (int i = 0; i < lines; i++) {
            if (gate.worthTrying()) {
                tried++;
            }
            gate.miss();
        }
        return tried;
    }

    @Test
    void aFileOfAnotherFormatIsTriedOnlyNowAndThen() {
        CleanLineGate gate = new CleanLineGate();
        assertThat(tries(gate, 6400)).isLessThanOrEqualTo(CleanLineGate.MISSES_BEFORE_BACKING_OFF + 100);
    }

    @Test
    void everyLineIsTriedWhileTheShortcutKeepsTakingThem() {
        CleanLineGate gate = new CleanLineGate();
        for (int i = 0; i < 1000; i++) {
            assertThat(gate.worthTrying()).isTrue();
            gate.hit();
        }
    }

    @Test
    void oneHitAfterABackOffOpensItAgain() {
        CleanLineGate gate = new CleanLineGate();
        tries(gate, 1000);
        while (!gate.worthTrying()) {
            gate.miss();
        }
        gate.hit();
        assertThat(tries(gate, CleanLineGate.MISSES_BEFORE_BACKING_OFF))
                .isEqualTo(CleanLineGate.MISSES_BEFORE_BACKING_OFF);
    }
}
