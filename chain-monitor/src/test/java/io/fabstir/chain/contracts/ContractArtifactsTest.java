package io.fabstir.chain.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed ABI and bytecode resources are exactly what scripts/compile-contracts.sh makes from the Solidity
 * source with the pinned solc: nobody edited them by hand, and nobody changed the source without recompiling.
 */
@Tag("integration") // runs solcjs (npm solc, installed by .ci/run)
class ContractArtifactsTest {
    @TempDir
    Path out;

    @Test
    void committedArtifactsAreTheCompilersOutputOfTheSource() throws Exception {
        Path module = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        Process p = new ProcessBuilder("bash", module.resolve("scripts/compile-contracts.sh").toString(), out.toString())
                .redirectErrorStream(true).start();
        p.getOutputStream().close();
        String log = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(log).isZero();
        for (FabstirContract c : FabstirContract.values()) {
            assertThat(Files.readString(out.resolve(c.contractName() + ".bin")).trim())
                    .as(c + " bytecode: run chain-monitor/scripts/compile-contracts.sh and commit").isEqualTo(c.bytecode());
            assertThat(Files.readString(out.resolve(c.contractName() + ".abi"))).as(c + " ABI").isEqualTo(c.abi());
        }
    }

    @Test
    void everyWatchedEventIsInTheAbis() {
        java.util.Map<FabstirContract, String> a = new java.util.EnumMap<>(FabstirContract.class);
        for (FabstirContract c : FabstirContract.values()) a.put(c, "0x" + Integer.toString(c.ordinal() + 1).repeat(40));
        assertThat(new EventCatalog(a).events()).extracting(e -> e.getKey().contractName() + "." + e.getValue())
                .containsExactlyInAnyOrder("NodeRegistry.NodeRegistered", "NodeRegistry.NodeSlashed",
                        "JobMarketplace.JobPosted", "JobMarketplace.JobCompleted", "PaymentEscrow.PaymentReleased",
                        "Governance.ProposalCreated");
    }
}
