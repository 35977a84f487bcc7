package io.fabstir.chain.scenario;

import io.fabstir.chain.monitor.Rpc;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Transactions from the accounts a dev node (anvil) keeps unlocked: {@code eth_sendTransaction}, so no private key is
 * ever in this process. Waits for each receipt and fails on a revert.
 */
public final class Transactions {
    private static final BigInteger GAS_LIMIT = BigInteger.valueOf(3_000_000);
    private final Web3j web3j;

    public Transactions(Rpc rpc) {
        this.web3j = rpc.web3j();
    }

    /** The node's unlocked accounts. */
    public List<String> accounts() throws IOException {
        return Rpc.send(web3j.ethAccounts()).getAccounts();
    }

    public TransactionReceipt call(String from, String to, BigInteger valueWei, String name, List<Type> args)
            throws IOException {
        @SuppressWarnings("rawtypes")
        List<Type> in = List.copyOf(args);
        String data = FunctionEncoder.encode(new Function(name, in, List.of()));
        return send(Transaction.createFunctionCallTransaction(from, null, null, GAS_LIMIT, to, valueWei, data), name);
    }

    /** Sends without waiting for the receipt (a node without automine keeps it pending); returns the hash. */
    public String submit(String from, String to, BigInteger valueWei, String name, List<Type> args) throws IOException {
        @SuppressWarnings("rawtypes")
        List<Type> in = List.copyOf(args);
        String data = FunctionEncoder.encode(new Function(name, in, List.of()));
        return Rpc.send(web3j.ethSendTransaction(
                Transaction.createFunctionCallTransaction(from, null, null, GAS_LIMIT, to, valueWei, data)))
                .getTransactionHash();
    }

    /** Deploys creation bytecode (with any constructor arguments appended); returns the receipt. */
    public TransactionReceipt deploy(String from, String bytecodeHex) throws IOException {
        return send(Transaction.createContractTransaction(from, null, null, GAS_LIMIT, BigInteger.ZERO,
                bytecodeHex.startsWith("0x") ? bytecodeHex : "0x" + bytecodeHex), "deploy");
    }

    private TransactionReceipt send(Transaction tx, String what) throws IOException {
        String hash = Rpc.send(web3j.ethSendTransaction(tx)).getTransactionHash();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            var r = web3j.ethGetTransactionReceipt(hash).send();
            if (r.hasError()) throw new IOException(what + ": " + r.getError().getMessage());
            if (r.getTransactionReceipt().isPresent()) {
                TransactionReceipt receipt = r.getTransactionReceipt().get();
                if (!receipt.isStatusOK()) throw new IOException(what + " reverted: tx " + hash);
                return receipt;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for " + hash, e);
            }
        }
        throw new IOException(what + ": no receipt for " + hash + " within 30 s");
    }
}
