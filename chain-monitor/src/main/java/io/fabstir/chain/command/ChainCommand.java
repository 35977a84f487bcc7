package io.fabstir.chain.command;

import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.check.Checkable;
import io.fabstir.shipper.cli.ShipperCommand;
import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.metrics.MetricsEndpoint;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fabstir-shipper chain}: the Fabstir contracts' events and gas, from an Ethereum JSON-RPC. */
@Command(name = "chain",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Follows the Fabstir contracts (NodeRegistry, JobMarketplace, PaymentEscrow, Governance) with "
                + "eth_getLogs over confirmed blocks (head - confirmations) and writes one JSON record per event "
                + "(event.dataset=fabstir.contract, fabstir.chain.*) to event_log, for `tail` to ship like any node "
                + "log; event.id comes from (chain id, tx hash, log index), so a re-read event is stored once. The "
                + "next block is kept in cursor_file (written atomically after the records are on disk). Serves "
                + "/metrics (fabstir_contract_events_total, gas, payments, job value and completion time, gas price, "
                + "stake/reputation/earnings of node_address) and /health (node_connectivity, contracts; 503 when "
                + "unhealthy) on metrics_port.",
            "",
            "Settings come from --config YAML, then FABSTIR_* environment variables (FABSTIR_ + the key upper-cased, "
                + "dots as underscores: FABSTIR_RPC_URL, FABSTIR_CONTRACTS_NODE_REGISTRY), then flags.",
            ""},
        footer = {"", "Example chain.yaml:",
            "  rpc_url: http://127.0.0.1:8545",
            "  # rpc_url_file: /etc/fabstir/rpc-url   # instead, for a provider's URL with its key (chmod 600)",
            "  contracts:                    # quoted: YAML reads a bare 0x… as a number",
            "    node_registry: \"0x…\"",
            "    job_marketplace: \"0x…\"",
            "    payment_escrow: \"0x…\"",
            "    governance: \"0x…\"",
            "  node_address: \"0x…\"          # this node's wallet: stake, reputation, earnings",
            "  chain_id: 8453                # the chain the contracts live on; `check chain` compares the RPC's",
            "  confirmations: 2",
            "  cursor_file: /var/lib/fabstir-shipper/chain-cursor.json",
            "  event_log: /var/log/fabstir/chain.json   # add it to tail's paths",
            "  metrics_port: 9467",
            "",
            "Exit code 2: invalid configuration (the message names the key); an unreachable or garbled RPC is "
                + "retried with backoff (logged, node_connectivity unhealthy), never a reason to skip a block."})
public final class ChainCommand implements Callable<Integer>, ShipperCommand, Checkable {
    private static final Logger LOG = LoggerFactory.getLogger(ChainCommand.class);

    @Option(names = "--config", paramLabel = "FILE", description = "Chain YAML configuration file.")
    Path config;

    @Option(names = "--rpc-url", paramLabel = "URL", description = "rpc_url: the chain's JSON-RPC over HTTP. "
            + "Env FABSTIR_RPC_URL. Required, or --rpc-url-file.")
    String rpcUrl;

    @Option(names = "--rpc-url-file", paramLabel = "FILE", description = "rpc_url_file: a file holding the RPC URL "
            + "alone (a provider's URL carries its key: chmod 600; refused when every user can read it). "
            + "Env FABSTIR_RPC_URL_FILE.")
    String rpcUrlFile;

    @Option(names = "--deployment", paramLabel = "FILE", description = "deployment_file: JSON with the contracts' "
            + "addresses ({\"contracts\":{\"node_registry\":\"0x…\",…}}, as the demo writes it). Env FABSTIR_DEPLOYMENT_FILE.")
    String deployment;

    @Option(names = "--node-registry", paramLabel = "ADDRESS", description = "contracts.node_registry (required "
            + "without --deployment). Env FABSTIR_CONTRACTS_NODE_REGISTRY.")
    String nodeRegistry;

    @Option(names = "--job-marketplace", paramLabel = "ADDRESS", description = "contracts.job_marketplace.")
    String jobMarketplace;

    @Option(names = "--payment-escrow", paramLabel = "ADDRESS", description = "contracts.payment_escrow.")
    String paymentEscrow;

    @Option(names = "--governance", paramLabel = "ADDRESS", description = "contracts.governance.")
    String governance;

    @Option(names = "--node-address", paramLabel = "ADDRESS", description = "node_address: this node's wallet; "
            + "its stake, reputation and earnings become gauges.")
    String nodeAddress;

    @Option(names = "--cursor-file", paramLabel = "FILE", description = "cursor_file: the next block to read "
            + "(default ./fabstir-chain-cursor.json).")
    String cursorFile;

    @Option(names = "--event-log", paramLabel = "FILE", description = "event_log: where the records go, one JSON "
            + "per line (default logs/fabstir-chain.json).")
    String eventLog;

    @Option(names = "--confirmations", description = "confirmations: blocks below the head before a block is read "
            + "(default 2).")
    String confirmations;

    @Option(names = "--start-block", description = "start_block: where the first run starts (default 0).")
    String startBlock;

    @Option(names = "--poll-interval-ms", description = "poll_interval_ms: pause when no confirmed block is new "
            + "(default 2000).")
    String pollIntervalMs;

    @Option(names = "--max-block-range", description = "max_block_range: most blocks per eth_getLogs (default 1000).")
    String maxBlockRange;

    @Option(names = "--gas-price-interval-ms", description = "gas.price_interval_ms: eth_gasPrice poll (default 30000).")
    String gasPriceIntervalMs;

    @Option(names = "--track-gas", paramLabel = "true|false", description = "gas.track: gas of the events' "
            + "transactions (one eth_getBlockReceipts per block with events; default true).")
    String trackGas;

    @Option(names = "--metrics-host", description = "metrics_host: address /metrics and /health bind to "
            + "(default 127.0.0.1; 0.0.0.0 for every interface).")
    String metricsHost;

    @Option(names = "--metrics-port", description = "metrics_port: /metrics and /health port, 0 = off (default 9467).")
    String metricsPort;

    @Override
    public Integer call() {
        ChainConfig cfg;
        try {
            cfg = ChainConfig.load(config, System.getenv(), flags());
        } catch (ConfigException e) {
            System.err.println("fabstir-shipper chain: invalid configuration: " + e.getMessage());
            return 2;
        }
        ChainService service;
        try {
            service = ChainService.create(cfg, MetricsEndpoint.registry());
        } catch (Exception e) {
            System.err.println("fabstir-shipper chain: " + e.getMessage());
            return 1;
        }
        if (service.port() > 0) {
            LOG.info("chain monitor: /metrics and /health on http://{}:{}", cfg.metricsHost(), service.port());
        }
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            service.close();
            try {
                done.await(15, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fabstir-chain-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            service.runMonitor();
        } finally {
            done.countDown();
        }
        return 0;
    }

    /** {@code check chain}: settings, RPC, chain id, contract code, folders and port ({@link ChainCheck}). */
    @Override
    public void check(CheckReport report) {
        ChainCheck.run(config, flags(), report);
    }

    private Map<String, Object> flags() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("rpc_url", rpcUrl);
        f.put("rpc_url_file", rpcUrlFile);
        f.put("deployment_file", deployment);
        f.put("contracts.node_registry", nodeRegistry);
        f.put("contracts.job_marketplace", jobMarketplace);
        f.put("contracts.payment_escrow", paymentEscrow);
        f.put("contracts.governance", governance);
        f.put("node_address", nodeAddress);
        f.put("cursor_file", cursorFile);
        f.put("event_log", eventLog);
        f.put("confirmations", confirmations);
        f.put("start_block", startBlock);
        f.put("poll_interval_ms", pollIntervalMs);
        f.put("max_block_range", maxBlockRange);
        f.put("gas.price_interval_ms", gasPriceIntervalMs);
        f.put("gas.track", trackGas);
        f.put("metrics_host", metricsHost);
        f.put("metrics_port", metricsPort);
        return f;
    }
}
