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

    @Test
    void injectionsAreRepeatableAndStartAtTheirTime() {
        NodeOptions o = NodeOptions.parse("--inject", "gas-spike@20s", "--inject=reputation-drop");

        assertThat(o.injections()).containsExactly(new Injection(Injection.Kind.GAS_SPIKE, Duration.ofSeconds(20)),
                new Injection(Injection.Kind.REPUTATION_DROP, Duration.ZERO));
        assertThat(o.injections().get(0).activeAt(19_999)).isFalse();
        assertThat(o.injections().get(0).activeAt(20_000)).isTrue();
        assertThatThrownBy(() -> NodeOptions.parse("--inject", "meteor@1s")).hasMessageStartingWith(
                "--inject: 'meteor@1s' names no injection");
    }

    @Test
    void aFlappingGasPriceIsHighEightSecondsThenNormalTwo() {
        Injection flap = Injection.parse("gas-flap@10s");

        assertThat(flap.activeAt(10_000)).isTrue();
        assertThat(flap.activeAt(17_999)).isTrue();
        assertThat(flap.activeAt(18_000)).isFalse();
        assertThat(flap.activeAt(20_000)).isTrue();
    }
}
