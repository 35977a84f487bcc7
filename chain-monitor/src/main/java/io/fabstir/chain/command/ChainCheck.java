package io.fabstir.chain.command;

import io.fabstir.chain.contracts.FabstirContract;
import io.fabstir.chain.monitor.Rpc;
import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.check.LocalChecks;
import io.fabstir.shipper.config.ConfigException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code check chain}: the monitor's settings as {@code chain} reads them; the RPC answers; its chain id is the one
 * configured ({@code chain_id}, else the deployment file's); every configured contract has code at its address; the
 * cursor and event log folders are writable; the metrics port is free. Reads only: no transaction, no cursor moved.
 */
final class ChainCheck {
    private ChainCheck() {
    }

    static void run(Path yaml, Map<String, Object> flags, CheckReport report) {
        ChainConfig cfg;
        try {
            cfg = ChainConfig.load(yaml, System.getenv(), flags);
        } catch (ConfigException e) {
            report.failed("config", e);
            return;
        }
        report.ok("config", (yaml == null ? "flags and environment" : yaml.toString()) + ": " + cfg.contracts().size()
                + " contracts, " + cfg.confirmations() + " confirmations, records to " + cfg.eventLog());
        Rpc rpc = Rpc.connect(cfg.rpcUrl(), Duration.ofSeconds(10));
        try {
            long chainId;
            long head;
            try {
                chainId = Rpc.send(rpc.web3j().ethChainId()).getChainId().longValueExact();
                head = Rpc.send(rpc.web3j().ethBlockNumber()).getBlockNumber().longValueExact();
            } catch (Exception e) {
                report.failed("rpc", cfg.rpcUrl() + " does not answer eth_chainId/eth_blockNumber: " + e.getMessage(),
                        "rpc_url", "check the URL, and that the node runs and lets this host through");
                report.skipped("chain_id", "no RPC answer");
                report.skipped("contracts", "no RPC answer");
                folders(report, cfg);
                return;
            }
            report.ok("rpc", cfg.rpcUrl() + " answers: chain " + chainId + ", head block " + head);
            if (cfg.chainId() == null) {
                report.warn("chain_id", "the RPC serves chain " + chainId + "; nothing to compare it with",
                        "chain_id", "set chain_id: " + chainId + " so a wrong RPC is caught before go-live");
            } else if (cfg.chainId() == chainId) {
                report.ok("chain_id", "chain " + chainId + " as configured");
            } else {
                report.failed("chain_id", "the RPC serves chain " + chainId + ", the configuration says "
                        + cfg.chainId(), "rpc_url", "point rpc_url at chain " + cfg.chainId() + "'s RPC, or correct "
                        + "chain_id");
            }
            List<String> empty = new ArrayList<>();
            for (Map.Entry<FabstirContract, String> c : cfg.contracts().entrySet()) {
                try {
                    String code = Rpc.send(rpc.web3j().ethGetCode(c.getValue(),
                            org.web3j.protocol.core.DefaultBlockParameterName.LATEST)).getCode();
                    if (code == null || code.equals("0x") || code.isEmpty()) {
                        empty.add(c.getKey().key() + " " + c.getValue());
                    }
                } catch (Exception e) {
                    empty.add(c.getKey().key() + " " + c.getValue() + " (" + e.getMessage() + ")");
                }
            }
            if (empty.isEmpty()) {
                report.ok("contracts", "all " + cfg.contracts().size() + " addresses hold code on chain " + chainId);
            } else {
                report.failed("contracts", "no code at " + String.join(", ", empty), "contracts",
                        "the addresses must be the deployed contracts on chain " + chainId
                                + " (quote them in YAML), or use the right rpc_url");
            }
        } finally {
            rpc.close();
        }
        folders(report, cfg);
    }

    private static void folders(CheckReport report, ChainConfig cfg) {
        LocalChecks.writableFolderOf(report, "cursor_file", "cursor_file", cfg.cursorFile());
        LocalChecks.writableFolderOf(report, "event_log", "event_log", cfg.eventLog());
        if (cfg.metricsPort() > 0) {
            LocalChecks.listenPort(report, "metrics_port", "metrics_port", cfg.metricsHost(), cfg.metricsPort());
        }
    }
}
