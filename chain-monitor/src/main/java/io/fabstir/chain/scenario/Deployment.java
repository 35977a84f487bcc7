package io.fabstir.chain.scenario;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.chain.contracts.FabstirContract;
import io.fabstir.chain.monitor.Rpc;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Address;

/** The four contracts deployed and wired together (the escrow accepts deposits from the marketplace only). */
public final class Deployment {
    private final long chainId;
    private final String owner;
    private final Map<FabstirContract, String> addresses;

    private Deployment(long chainId, String owner, Map<FabstirContract, String> addresses) {
        this.chainId = chainId;
        this.owner = owner;
        this.addresses = Collections.unmodifiableMap(addresses);
    }

    /** Deploys from {@code owner} (an unlocked account), which becomes the registry's owner (it may slash). */
    public static Deployment deploy(Rpc rpc, String owner) throws IOException {
        Transactions tx = new Transactions(rpc);
        Map<FabstirContract, String> a = new EnumMap<>(FabstirContract.class);
        a.put(FabstirContract.NODE_REGISTRY, address(tx.deploy(owner, FabstirContract.NODE_REGISTRY.bytecode())));
        String escrow = address(tx.deploy(owner, FabstirContract.PAYMENT_ESCROW.bytecode()));
        a.put(FabstirContract.PAYMENT_ESCROW, escrow);
        String ctor = FunctionEncoder.encodeConstructor(List.of(new Address(escrow)));
        String market = address(tx.deploy(owner, FabstirContract.JOB_MARKETPLACE.bytecode() + ctor));
        a.put(FabstirContract.JOB_MARKETPLACE, market);
        tx.call(owner, escrow, java.math.BigInteger.ZERO, "setMarketplace", List.of(new Address(market)));
        a.put(FabstirContract.GOVERNANCE, address(tx.deploy(owner, FabstirContract.GOVERNANCE.bytecode())));
        long chainId = Rpc.send(rpc.web3j().ethChainId()).getChainId().longValueExact();
        return new Deployment(chainId, owner.toLowerCase(Locale.ROOT), a);
    }

    private static String address(org.web3j.protocol.core.methods.response.TransactionReceipt r) {
        return r.getContractAddress().toLowerCase(Locale.ROOT);
    }

    public long chainId() {
        return chainId;
    }

    public String owner() {
        return owner;
    }

    public Map<FabstirContract, String> addresses() {
        return addresses;
    }

    public String address(FabstirContract c) {
        return addresses.get(c);
    }

    /** {@code {"chain_id":…,"contracts":{"node_registry":"0x…",…}}}: what {@code fabstir-shipper chain --deployment} reads. */
    public void write(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode().put("chain_id", chainId).put("owner", owner);
        ObjectNode c = root.putObject("contracts");
        addresses.forEach((k, v) -> c.put(k.key(), v));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
    }

    /** Reads a file {@link #write} wrote. */
    public static Deployment read(Path file) throws IOException {
        var root = new ObjectMapper().readTree(file.toFile());
        Map<FabstirContract, String> a = new EnumMap<>(FabstirContract.class);
        for (FabstirContract c : FabstirContract.values()) {
            String v = root.path("contracts").path(c.key()).asText(null);
            if (v != null) a.put(c, v);
        }
        return new Deployment(root.path("chain_id").asLong(), root.path("owner").asText(""), a);
    }
}
