package io.fabstir.examples.node;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeOptionsTest {

    @Test
    void withoutOptionsTheNodeRunsUntilStoppedOnThreeGpusFailingEightPercent() {
        NodeOptions o = NodeOptions.parse();

        assertThat(o.duration()).isNull();
        assertThat(o.workers()).isEqualTo(3);
        assertThat(o.failureRate()).isEqualTo(0.08);
        assertThat(o.exitOnStdinEof()).isFalse();
    }

    @Test
    void optionsAreTakenWithASpaceOrAnEqualsSign() {
        NodeOptions o = NodeOptions.parse("--duration", "90s", "--workers=2", "--failure-rate", "0.5", "--seed=7",
                "--exit-on-stdin-eof");

        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(90));
        assertThat(o.workers()).isEqualTo(2);
        assertThat(o.failureRate()).isEqualTo(0.5);
        assertThat(o.seed()).isEqualTo(7);
        assertThat(o.exitOnStdinEof()).isTrue();
    }

    @Test
    void durationsTakeMillisecondsSecondsMinutesAndHours() {
        assertThat(NodeOptions.parse("--duration", "1500ms").duration()).isEqualTo(Duration.ofMillis(1500));
        assertThat(NodeOptions.parse("--duration", "2m").duration()).isEqualTo(Duration.ofMinutes(2));
        assertThat(NodeOptions.parse("--duration", "1h").duration()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void aBadValueIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> NodeOptions.parse("--failure-rate", "8"))
                .hasMessage("--failure-rate: 8 is outside 0..1 (e.g. 0.08 for 8%)");
        assertThatThrownBy(() -> NodeOptions.parse("--duration", "soon"))
                .hasMessageStartingWith("--duration: 'soon' is not a positive duration");
        assertThatThrownBy(() -> NodeOptions.parse("--workers", "0")).hasMessage("--workers: 0 is outside 1..64");
        assertThatThrownBy(() -> NodeOptions.parse("--gpus", "2")).hasMessage("unknown option --gpus (see --help)");
        assertThatThrownBy(() -> NodeOptions.parse("--seed")).hasMessage("--seed needs a value");
    }
}
