package io.fabstir.localservices;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DistributionTest {

    @Test
    void nineNeedsJava21AndEightJava17() {
        assertThat(Distribution.requiredJava("9.5.0")).isEqualTo(21);
        assertThat(Distribution.requiredJava("8.19.21")).isEqualTo(17);
    }

    @Test
    void runsNineExactlyWhereAJdk21IsOnTheMachine() {
        Distribution d = Distribution.choose();
        boolean jdk21 = Install.javaHome(21).isPresent();
        assertThat(d.version()).startsWith(jdk21 ? "9." : "8.19.");
        assertThat(Install.feature(Install.javaVersion(d.javaHome()))).isGreaterThanOrEqualTo(Distribution.requiredJava(d.version()));
        assertThat(d.why()).isNotBlank();
    }

    @Test
    void aForcedVersionWinsAndGetsAJdkItRunsOn() {
        String before = System.getProperty("fabstir.es.version");
        System.setProperty("fabstir.es.version", "8.19.21");
        try {
            Distribution d = Distribution.choose();
            assertThat(d.version()).isEqualTo("8.19.21");
            assertThat(Install.feature(Install.javaVersion(d.javaHome()))).isGreaterThanOrEqualTo(17);
        } finally {
            if (before == null) System.clearProperty("fabstir.es.version");
            else System.setProperty("fabstir.es.version", before);
        }
    }
}
