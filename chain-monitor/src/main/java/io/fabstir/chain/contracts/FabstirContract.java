package io.fabstir.chain.contracts;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The four Fabstir contracts, with the ABI and creation bytecode that {@code scripts/compile-contracts.sh} (solc)
 * wrote into this package's resources.
 */
public enum FabstirContract {
    NODE_REGISTRY("NodeRegistry", "node_registry"),
    JOB_MARKETPLACE("JobMarketplace", "job_marketplace"),
    PAYMENT_ESCROW("PaymentEscrow", "payment_escrow"),
    GOVERNANCE("Governance", "governance");

    private final String contractName;
    private final String key;

    FabstirContract(String contractName, String key) {
        this.contractName = contractName;
        this.key = key;
    }

    /** The Solidity name, used as the {@code contract} label and in records. */
    public String contractName() {
        return contractName;
    }

    /** The configuration key ({@code contracts.node_registry}). */
    public String key() {
        return key;
    }

    /** The ABI JSON. */
    public String abi() {
        return resource(".abi");
    }

    /** The creation bytecode, hex without {@code 0x}. */
    public String bytecode() {
        return resource(".bin").trim();
    }

    private String resource(String ext) {
        String name = contractName + ext;
        try (InputStream in = FabstirContract.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name + " next to " + getClass());
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
