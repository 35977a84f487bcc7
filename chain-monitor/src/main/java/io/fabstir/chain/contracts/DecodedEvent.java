package io.fabstir.chain.contracts;

import java.math.BigInteger;
import java.util.Map;

/**
 * One contract event read from a log: where it is on chain and its arguments by their Solidity names (addresses as
 * lower-case hex strings, integers as {@link BigInteger}, strings as strings).
 */
public record DecodedEvent(FabstirContract contract, String contractAddress, String event, long blockNumber,
                           String blockHash, String txHash, long logIndex, Map<String, Object> args) {

    public BigInteger uint(String name) {
        return (BigInteger) args.get(name);
    }

    public String text(String name) {
        Object v = args.get(name);
        return v == null ? null : v.toString();
    }
}
