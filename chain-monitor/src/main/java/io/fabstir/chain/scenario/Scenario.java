package io.fabstir.chain.scenario;

import io.fabstir.chain.contracts.FabstirContract;
import io.fabstir.chain.gas.GasTracker;
import io.fabstir.chain.monitor.Rpc;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * A marketplace day on a dev chain, with real transactions from its unlocked accounts: hosts register with a stake,
 * a renter posts jobs, hosts complete them, the renter releases the payments, the owner slashes one host, a host
 * proposes a change. Every transaction's gas goes through the {@link GasTracker} when one is given, as a node's
 * own transactions would. Counts what it emitted, so a test can compare with what the monitor saw.
 */
public final class Scenario {
    private static final String[] MODELS = {"llama-3-8b", "mistral-7b-instruct", "sdxl-turbo"};

    private final Rpc rpc;
    private final Deployment d;
    private final Transactions tx;
    private final GasTracker gas;
    private final List<String> accounts;
    private final Map<String, Integer> emitted = new LinkedHashMap<>();
    private BigDecimal paidEth = BigDecimal.ZERO;
    private int jobs;
    private int registered;

    public Scenario(Rpc rpc, Deployment deployment, GasTracker gas) throws IOException {
        this.rpc = rpc;
        this.d = deployment;
        this.tx = new Transactions(rpc);
        this.gas = gas;
        this.accounts = tx.accounts();
        if (accounts.size() < 4) throw new IOException("the dev chain has " + accounts.size() + " accounts, need 4");
    }

    /** Host {@code i} (1-based; accounts 1..) registers with the stake. */
    public String registerHost(int i, BigDecimal stakeEth) throws IOException {
        String host = accounts.get(i);
        send(host, FabstirContract.NODE_REGISTRY, wei(stakeEth), "register",
                List.of(new Utf8String("gpu=a100;region=eu-west;host=" + i)));
        count("NodeRegistry.NodeRegistered");
        registered++;
        return host.toLowerCase(java.util.Locale.ROOT);
    }

    /** The renter (the last account) posts a job; returns its id. */
    public BigInteger postJob(BigDecimal paymentEth) throws IOException {
        String model = MODELS[jobs % MODELS.length];
        send(renter(), FabstirContract.JOB_MARKETPLACE, wei(paymentEth), "postJob", List.of(new Utf8String(model)));
        count("JobMarketplace.JobPosted");
        jobs++;
        return BigInteger.valueOf(jobs);
    }

    public void completeJob(int host, BigInteger jobId) throws IOException {
        send(accounts.get(host), FabstirContract.JOB_MARKETPLACE, BigInteger.ZERO, "completeJob",
                List.of(new Uint256(jobId), new Utf8String("bafy-result-" + jobId)));
        count("JobMarketplace.JobCompleted");
    }

    public void releasePayment(BigInteger jobId, BigDecimal paymentEth) throws IOException {
        send(renter(), FabstirContract.PAYMENT_ESCROW, BigInteger.ZERO, "release", List.of(new Uint256(jobId)));
        count("PaymentEscrow.PaymentReleased");
        paidEth = paidEth.add(paymentEth);
    }

    public void slash(int host, BigDecimal amountEth, String reason) throws IOException {
        send(d.owner(), FabstirContract.NODE_REGISTRY, BigInteger.ZERO, "slash",
                List.of(new Address(accounts.get(host)), new Uint256(wei(amountEth)), new Utf8String(reason)));
        count("NodeRegistry.NodeSlashed");
    }

    public void propose(int host, String description) throws IOException {
        send(accounts.get(host), FabstirContract.GOVERNANCE, BigInteger.ZERO, "propose",
                List.of(new Utf8String(description)));
        count("Governance.ProposalCreated");
    }

    /**
     * The demo's short scenario: two hosts register, {@code jobCount} jobs are posted, completed and paid, host 2 is
     * slashed once, one proposal.
     */
    public void runShort(int jobCount) throws IOException {
        registerHost(1, new BigDecimal("2"));
        registerHost(2, new BigDecimal("1"));
        for (int i = 0; i < jobCount; i++) {
            BigDecimal pay = new BigDecimal("0.01").multiply(BigDecimal.valueOf(i % 5 + 1));
            BigInteger id = postJob(pay);
            completeJob(1 + i % 2, id);
            releasePayment(id, pay);
        }
        slash(2, new BigDecimal("0.5"), "missed SLA: job result late");
        propose(1, "raise the minimum stake to 1 ETH");
    }

    /**
     * Puts {@code jobs} JobPosted events into one block: automine off, the transactions submitted, one block mined,
     * automine back on (for load measurements).
     */
    public void postJobsInOneBlock(int jobs, BigDecimal paymentEth) throws IOException {
        rpc.raw("evm_setAutomine", List.of(false));
        try {
            for (int i = 0; i < jobs; i++) {
                tx.submit(renter(), d.address(FabstirContract.JOB_MARKETPLACE), wei(paymentEth), "postJob",
                        List.of(new Utf8String(MODELS[(this.jobs + i) % MODELS.length])));
            }
            mine(1);
        } finally {
            rpc.raw("evm_setAutomine", List.of(true));
        }
        this.jobs += jobs;
        emitted.merge("JobMarketplace.JobPosted", jobs, Integer::sum);
    }

    /** Mines {@code n} empty blocks (anvil), so the last events get their confirmations. */
    public void mine(int n) throws IOException {
        rpc.raw("anvil_mine", List.of("0x" + Integer.toHexString(n)));
    }

    private String renter() {
        return accounts.get(accounts.size() - 1);
    }

    /** Events emitted so far, by "Contract.Event". */
    public Map<String, Integer> emitted() {
        return Map.copyOf(emitted);
    }

    public int emittedTotal() {
        return emitted.values().stream().mapToInt(Integer::intValue).sum();
    }

    public BigDecimal paidEth() {
        return paidEth;
    }

    public String host(int i) {
        return accounts.get(i).toLowerCase(java.util.Locale.ROOT);
    }

    private void count(String key) {
        emitted.merge(key, 1, Integer::sum);
    }

    private void send(String from, FabstirContract to, BigInteger value, String method, List<Type> args)
            throws IOException {
        TransactionReceipt r = tx.call(from, d.address(to), value, method, args);
        if (gas != null) gas.track(r, method, to.contractName());
    }

    static BigInteger wei(BigDecimal eth) {
        return eth.movePointRight(18).toBigIntegerExact();
    }
}
