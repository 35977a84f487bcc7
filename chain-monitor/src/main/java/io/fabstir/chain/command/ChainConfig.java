package io.fabstir.chain.command;

import io.fabstir.chain.contracts.FabstirContract;
import io.fabstir.chain.scenario.Deployment;
import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.config.Settings;
import io.fabstir.shipper.files.SecretFile;
import io.fabstir.shipper.logging.OwnLogRedaction;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settings of {@code fabstir-shipper chain}, layered as every command's (YAML, {@code FABSTIR_*}, flags); a bad
 * value stops the command at start with the key and the fix. An RPC provider's URL carries its key, so it may come
 * from a file ({@code rpc_url_file}, checked as every secret file: {@link SecretFile}); wherever it came from, it is
 * shown only without its credentials, in errors as in {@link #toString()}.
 */
public record ChainConfig(String rpcUrl, Map<FabstirContract, String> contracts, Path cursorFile, Path eventLog,
                          int confirmations, Duration pollInterval, long maxBlockRange, long startBlock,
                          boolean trackGas, Duration gasPriceInterval, String nodeAddress, Duration stallAfter,
                          Duration readInterval, String metricsHost, int metricsPort, String serviceName,
                          Long chainId) {

    private static final Logger LOG = LoggerFactory.getLogger(ChainConfig.class);
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

    /** Every key, for the YAML reader (an unknown key is an error). */
    public static final Set<String> KEYS = keys();

    private static Set<String> keys() {
        Set<String> k = new LinkedHashSet<>(java.util.List.of("rpc_url", "rpc_url_file", "deployment_file",
                "cursor_file", "event_log", "confirmations", "poll_interval_ms", "max_block_range", "start_block",
                "gas.track", "gas.price_interval_ms", "node_address", "health.stall_after_ms", "read_interval_ms",
                "metrics_host", "metrics_port", "service_name", "chain_id"));
        for (FabstirContract c : FabstirContract.values()) k.add("contracts." + c.key());
        return Set.copyOf(k);
    }

    public static ChainConfig load(Path yaml, Map<String, String> env, Map<String, Object> flags) {
        Settings s = Settings.load(yaml, KEYS, Set.of(), env, flags);
        String rpcKey = has(s, "rpc_url_file") ? "rpc_url_file" : "rpc_url";
        String rpc = rpcUrl(s);
        try {
            URI u = URI.create(rpc.trim());
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("not http(s)");
            }
        } catch (IllegalArgumentException e) {
            throw new ConfigException(rpcKey, "'" + OwnLogRedaction.url(rpc) + "' is not an http(s) URL such as "
                    + "http://127.0.0.1:8545 (from " + s.origin(rpcKey) + ")");
        }
        Map<FabstirContract, String> contracts = new EnumMap<>(FabstirContract.class);
        String deployment = s.string("deployment_file", null);
        // The chain the contracts live on: chain_id, else the deployment file's; `check chain` compares the RPC's.
        Long chainId = s.has("chain_id") ? s.number("chain_id", 0, 1, Long.MAX_VALUE) : null;
        if (deployment != null) {
            Path f = Path.of(deployment);
            if (!Files.isRegularFile(f)) {
                throw new ConfigException("deployment_file", f + " does not exist (from " + s.origin("deployment_file") + ")");
            }
            try {
                Deployment d = Deployment.read(f);
                contracts.putAll(d.addresses());
                if (chainId == null && d.chainId() > 0) {
                    chainId = d.chainId();
                }
            } catch (IOException | RuntimeException e) {
                throw new ConfigException("deployment_file", "cannot read " + f + ": " + e.getMessage());
            }
        }
        for (FabstirContract c : FabstirContract.values()) {
            String key = "contracts." + c.key();
            String v = s.string(key, null);
            if (v == null) continue;
            contracts.put(c, address(s, key, v));
        }
        if (!contracts.containsKey(FabstirContract.NODE_REGISTRY)) {
            throw new ConfigException("contracts.node_registry", "is required: the NodeRegistry address (0x + 40 hex), "
                    + "or deployment_file (or set " + Settings.envName("contracts.node_registry") + ")");
        }
        String node = s.string("node_address", null);
        return new ChainConfig(rpc.trim(), Map.copyOf(contracts),
                Path.of(s.string("cursor_file", "fabstir-chain-cursor.json")),
                Path.of(s.string("event_log", "logs/fabstir-chain.json")),
                (int) s.number("confirmations", 2, 0, 1000),
                Duration.ofMillis(s.number("poll_interval_ms", 2000, 10, 3_600_000)),
                s.number("max_block_range", 1000, 1, 100_000),
                s.number("start_block", 0, 0, Long.MAX_VALUE),
                s.bool("gas.track", true),
                Duration.ofMillis(s.number("gas.price_interval_ms", 30_000, 100, 3_600_000)),
                node == null ? null : address(s, "node_address", node),
                Duration.ofMillis(s.number("health.stall_after_ms", 300_000, 1000, 86_400_000)),
                Duration.ofMillis(s.number("read_interval_ms", 15_000, 100, 3_600_000)),
                s.string("metrics_host", "127.0.0.1"),
                (int) s.number("metrics_port", 9467, 0, 65535),
                s.string("service_name", "fabstir-chain-monitor"),
                chainId);
    }

    /** rpc_url, or the one line of the file rpc_url_file names; never both. */
    private static String rpcUrl(Settings s) {
        if (has(s, "rpc_url_file")) {
            if (has(s, "rpc_url")) {
                throw new ConfigException("rpc_url_file", "is set (from " + s.origin("rpc_url_file") + ") and so is "
                        + "rpc_url (from " + s.origin("rpc_url") + "): give the RPC URL one way only");
            }
            return SecretFile.readLine("rpc_url_file", Path.of(s.string("rpc_url_file", null).strip()));
        }
        String rpc = s.required("rpc_url", "set rpc_url: http://127.0.0.1:8545 in the YAML or pass --rpc-url; a "
                + "provider's URL with its key belongs in a file named by rpc_url_file");
        if ("command line".equals(s.origin("rpc_url")) && !OwnLogRedaction.url(rpc).equals(rpc)) {
            LOG.warn("rpc_url on the command line carries a credential, which the process list shows to every user of "
                    + "the host: put the URL in a file (chmod 600) named by rpc_url_file, or in FABSTIR_RPC_URL");
        }
        return rpc;
    }

    private static boolean has(Settings s, String key) {
        String v = s.string(key, null);
        return v != null && !v.isBlank();
    }

    /** The settings with the RPC URL shown without its credentials. */
    @Override
    public String toString() {
        return "ChainConfig[rpcUrl=" + OwnLogRedaction.url(rpcUrl) + ", contracts=" + contracts + ", cursorFile="
                + cursorFile + ", eventLog=" + eventLog + ", confirmations=" + confirmations + ", metrics="
                + metricsHost + ":" + metricsPort + "]";
    }

    private static String address(Settings s, String key, String v) {
        if (v.trim().matches("\\d{20,}")) {
            // YAML reads an unquoted 0x… as a hexadecimal integer.
            throw new ConfigException(key, "reads as the number " + v.trim() + ": quote the address in YAML, "
                    + key.substring(key.lastIndexOf('.') + 1) + ": \"0x…\" (from " + s.origin(key) + ")");
        }
        if (!ADDRESS.matcher(v.trim()).matches()) {
            throw new ConfigException(key, "'" + v + "' is not an address (0x followed by 40 hex digits) (from "
                    + s.origin(key) + ")");
        }
        return v.trim().toLowerCase(java.util.Locale.ROOT);
    }
}
