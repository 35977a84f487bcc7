package io.fabstir.chain.command;

import io.fabstir.chain.contracts.FabstirContract;
import io.fabstir.chain.monitor.Rpc;
import io.fabstir.chain.scenario.Deployment;
import io.fabstir.chain.scenario.Transactions;
import io.fabstir.localservices.LocalAnvil;
import io.fabstir.shipper.harness.CheckRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fabstir-shipper check chain} against a real anvil chain with the Fabstir contracts deployed: with the
 * right settings every check passes and nothing is written; an RPC that does not answer, a chain id other than the
 * configured one and an address without contract code each fail their own line, naming the setting to fix, and the
 * exit code is 1.
 */
@Tag("integration")
class ChainCheckTest {
    private static LocalAnvil anvil;
    private static Deployment deployment;

    @TempDir
    static Path dir;

    @BeforeAll
    static void chain() throws Exception {
        anvil = LocalAnvil.builder().start();
        Rpc rpc = Rpc.connect(anvil.rpcUrl());
        try {
            deployment = Deployment.deploy(rpc, new Transactions(rpc).accounts().get(0));
        } finally {
            rpc.close();
        }
    }

    @AfterAll
    static void stopChain() {
        if (anvil != null) {
            anvil.close();
        }
    }

    @Test
    void everyCheckPassesAgainstTheDeployedContractsAndNothingIsWritten() throws Exception {
        Path state = Files.createTempDirectory(dir, "state-");
        CheckRun r = check(config(Map.of("cursor_file", state.resolve("cursor.json").toString(),
                "event_log", state.resolve("chain.json").toString())));
        assertThat(r.exit()).as(r.text()).isZero();
        assertThat(r.status("config")).isEqualTo("ok");
        assertThat(r.status("rpc")).isEqualTo("ok");
        assertThat(r.detail("rpc")).contains("chain " + anvil.chainId());
        assertThat(r.status("chain_id")).isEqualTo("ok");
        assertThat(r.status("contracts")).isEqualTo("ok");
        assertThat(r.detail("contracts")).contains("all 4 addresses hold code");
        assertThat(r.status("cursor_file")).isEqualTo("ok");
        assertThat(r.status("event_log")).isEqualTo("ok");
        try (var files = Files.list(state)) {
            assertThat(files).as("no cursor, no event log written").isEmpty();
        }
    }

    @Test
    void anRpcThatDoesNotAnswerFailsNamingRpcUrlAndSkipsTheChecksThatNeedIt() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CheckRun r = check(config(Map.of("rpc_url", "http://127.0.0.1:" + closed)));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.status("rpc")).isEqualTo("failed");
        assertThat(r.key("rpc")).isEqualTo("rpc_url");
        assertThat(r.detail("rpc")).contains("127.0.0.1:" + closed);
        assertThat(r.status("chain_id")).isEqualTo("skipped");
        assertThat(r.status("contracts")).isEqualTo("skipped");
        assertThat(r.status("cursor_file")).as("local checks still run").isEqualTo("ok");
    }

    @Test
    void anRpcServingAnotherChainFailsTheChainIdCheckNamingRpcUrl() throws Exception {
        long other = anvil.chainId() == 8453 ? 1 : 8453;
        CheckRun r = check(config(Map.of("chain_id", Long.toString(other))));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.status("rpc")).isEqualTo("ok");
        assertThat(r.status("chain_id")).isEqualTo("failed");
        assertThat(r.key("chain_id")).isEqualTo("rpc_url");
        assertThat(r.detail("chain_id"))
                .contains("serves chain " + anvil.chainId(), "says " + other);
        assertThat(r.fix("chain_id")).contains("chain_id");
    }

    @Test
    void anAddressWithoutContractCodeFailsTheContractsCheckNamingIt() throws Exception {
        String empty = "0x00000000000000000000000000000000000f4b57";
        CheckRun r = check(config(Map.of("contracts.governance", empty)));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.status("chain_id")).isEqualTo("ok");
        assertThat(r.status("contracts")).isEqualTo("failed");
        assertThat(r.key("contracts")).isEqualTo("contracts");
        assertThat(r.detail("contracts")).contains("governance " + empty)
                .doesNotContain(deployment.address(FabstirContract.NODE_REGISTRY));
    }

    @Test
    void textOutputIsOneLinePerCheckThenTheSummary() throws Exception {
        CheckRun r = CheckRun.text("chain", "--config", config(Map.of("chain_id", "1")).toString());
        List<String> lines = r.text().lines().toList();
        assertThat(lines.get(0)).startsWith("ok      config");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("failed  chain_id").contains("[key: rpc_url]"));
        assertThat(lines.get(lines.size() - 1)).startsWith("check chain: FAILED (");
        assertThat(r.exit()).isEqualTo(1);
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private static CheckRun check(Path config) {
        return CheckRun.json("chain", "--config", config.toString());
    }

    /** The monitor's YAML for the deployed contracts on anvil; {@code overrides} replace or add keys. */
    private static Path config(Map<String, String> overrides) throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("rpc_url", anvil.rpcUrl());
        keys.put("chain_id", Long.toString(anvil.chainId()));
        for (FabstirContract c : FabstirContract.values()) {
            keys.put("contracts." + c.key(), deployment.address(c));
        }
        keys.put("cursor_file", dir.resolve("cursor.json").toString());
        keys.put("event_log", dir.resolve("logs").resolve("chain.json").toString());
        keys.put("metrics_port", "0");
        keys.putAll(overrides);
        StringBuilder yaml = new StringBuilder("contracts:\n");
        keys.forEach((k, v) -> {
            if (k.startsWith("contracts.")) {
                yaml.append("  ").append(k.substring("contracts.".length())).append(": \"").append(v).append("\"\n");
            }
        });
        keys.forEach((k, v) -> {
            if (!k.startsWith("contracts.")) {
                yaml.append(k).append(": ").append(v).append('\n');
            }
        });
        Path f = Files.createTempFile(dir, "chain-", ".yaml");
        Files.writeString(f, yaml);
        return f;
    }
}
