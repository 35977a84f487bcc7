package io.fabstir.chain.contracts;

import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import org.web3j.abi.FunctionEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.Function;
import org.web3j.abi.datatypes.Type;
import org.web3j.abi.datatypes.Utf8String;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.Transaction;
import org.web3j.protocol.core.methods.response.EthCall;

/** The read calls ({@code eth_call}) the monitor makes: stake, reputation, earnings, a job. */
public final class ContractReader {
    private final Web3j web3j;

    public ContractReader(Web3j web3j) {
        this.web3j = web3j;
    }

    /** A job as the marketplace stores it. */
    public record Job(String renter, String modelId, BigInteger payment, long postedAt, String host, long completedAt) {}

    public BigInteger nodeCount(String registry) throws IOException {
        return uint(registry, "nodeCount", List.of(), DefaultBlockParameter.valueOf("latest"));
    }

    public BigInteger stakeOf(String registry, String node) throws IOException {
        return uint(registry, "stakeOf", List.of(new Address(node)), DefaultBlockParameter.valueOf("latest"));
    }

    public BigInteger reputationOf(String registry, String node) throws IOException {
        return uint(registry, "reputationOf", List.of(new Address(node)), DefaultBlockParameter.valueOf("latest"));
    }

    public BigInteger earnings(String escrow, String host) throws IOException {
        return uint(escrow, "earnings", List.of(new Address(host)), DefaultBlockParameter.valueOf("latest"));
    }

    /** {@code jobs(id)} as of {@code block}. */
    @SuppressWarnings("rawtypes")
    public Job job(String marketplace, BigInteger jobId, long block) throws IOException {
        List<TypeReference<?>> out = List.of(new TypeReference<Address>() {}, new TypeReference<Utf8String>() {},
                new TypeReference<Uint256>() {}, new TypeReference<Uint256>() {}, new TypeReference<Address>() {},
                new TypeReference<Uint256>() {});
        List<Type> v = call(marketplace, new Function("jobs", List.of(new Uint256(jobId)), out),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(block)));
        return new Job(v.get(0).getValue().toString(), (String) v.get(1).getValue(), (BigInteger) v.get(2).getValue(),
                ((BigInteger) v.get(3).getValue()).longValueExact(), v.get(4).getValue().toString(),
                ((BigInteger) v.get(5).getValue()).longValueExact());
    }

    @SuppressWarnings("rawtypes")
    private BigInteger uint(String to, String name, List<Type> in, DefaultBlockParameter at) throws IOException {
        List<Type> v = call(to, new Function(name, in, List.of(new TypeReference<Uint256>() {})), at);
        return (BigInteger) v.get(0).getValue();
    }

    @SuppressWarnings("rawtypes")
    private List<Type> call(String to, Function f, DefaultBlockParameter at) throws IOException {
        EthCall r = io.fabstir.chain.monitor.Rpc.send(web3j.ethCall(
                Transaction.createEthCallTransaction(null, to, FunctionEncoder.encode(f)), at));
        if (r.isReverted()) throw new IOException(f.getName() + " reverted: " + r.getRevertReason());
        @SuppressWarnings("unchecked")
        List<Type> v = FunctionReturnDecoder.decode(r.getValue(), f.getOutputParameters());
        if (v.size() != f.getOutputParameters().size()) {
            throw new IOException(f.getName() + " at " + to + " answered " + r.getValue()
                    + ": not a Fabstir contract (wrong address?)");
        }
        return v;
    }
}
