package io.fabstir.chain.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabstir.chain.contracts.FabstirContract;
import io.fabstir.shipper.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChainConfigTest {
    private static final String REGISTRY = "0x5FbDB2315678afecb367f032d93F642f64180aa3";

    @TempDir
    Path dir;

    @Test
    void yamlEnvironmentAndFlagsLayerWithDefaults() throws Exception {
        Path yaml = Files.writeString(dir.resolve("chain.yaml"), "rpc_url: http://127.0.0.1:8545\n"
                + "contracts: {node_registry: \"" + REGISTRY + "\"}\nconfirmations: 5\n");
        Map<String, Object> flags = new HashMap<>();
        flags.put("confirmations", "3");
        ChainConfig c = ChainConfig.load(yaml, Map.of("FABSTIR_GAS_PRICE_INTERVAL_MS", "1000"), flags);
        assertThat(c.contracts()).containsEntry(FabstirContract.NODE_REGISTRY, REGISTRY.toLowerCase());
        assertThat(c.confirmations()).isEqualTo(3);
        assertThat(c.gasPriceInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.metricsPort()).isEqualTo(9467);
        assertThat(c.pollInterval()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void missingRegistryNamesTheKeyAndItsEnvironmentVariable() {
        assertThatThrownBy(() -> ChainConfig.load(null, Map.of("FABSTIR_RPC_URL", "http://127.0.0.1:8545"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("contracts.node_registry")
                .hasMessageContaining("FABSTIR_CONTRACTS_NODE_REGISTRY");
    }

    @Test
    void badAddressAndBadUrlAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> ChainConfig.load(null, Map.of("FABSTIR_RPC_URL", "http://127.0.0.1:8545",
                "FABSTIR_CONTRACTS_NODE_REGISTRY", "0x123"), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("contracts.node_registry:")
                .hasMessageContaining("FABSTIR_CONTRACTS_NODE_REGISTRY");
        assertThatThrownBy(() -> ChainConfig.load(null, Map.of("FABSTIR_RPC_URL", "127.0.0.1:8545",
                "FABSTIR_CONTRACTS_NODE_REGISTRY", REGISTRY), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("rpc_url:");
    }

    @Test
    void unquotedAddressInYamlIsExplained() throws Exception {
        Path yaml = Files.writeString(dir.resolve("chain.yaml"), "rpc_url: http://127.0.0.1:8545\n"
                + "contracts: {node_registry: " + REGISTRY + "}\n");
        assertThatThrownBy(() -> ChainConfig.load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("contracts.node_registry:")
                .hasMessageContaining("quote the address");
    }

    @Test
    void unknownYamlKeyIsAnError() throws Exception {
        Path yaml = Files.writeString(dir.resolve("chain.yaml"), "rpc_url: http://127.0.0.1:8545\nconfirmation: 2\n");
        assertThatThrownBy(() -> ChainConfig.load(yaml, Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("confirmation:");
    }
}
