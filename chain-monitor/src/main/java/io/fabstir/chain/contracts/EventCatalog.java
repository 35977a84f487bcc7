package io.fabstir.chain.contracts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.web3j.abi.EventEncoder;
import org.web3j.abi.FunctionReturnDecoder;
import org.web3j.abi.TypeReference;
import org.web3j.abi.datatypes.Event;
import org.web3j.abi.datatypes.Type;
import org.web3j.protocol.core.methods.response.Log;

/**
 * The events of the Fabstir contracts, read from their compiled ABIs (so a contract change needs no Java change),
 * and the decoding of a log into a {@link DecodedEvent} by its topic 0 and emitting address.
 */
public final class EventCatalog {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Param(String name, TypeReference<Type> type, boolean indexed) {}

    private record Spec(FabstirContract contract, String name, List<Param> params, List<TypeReference<Type>> data) {}

    private final Map<String, Spec> byTopic = new HashMap<>();
    private final Map<String, FabstirContract> byAddress = new HashMap<>();

    /** @param addresses each contract's deployed address */
    public EventCatalog(Map<FabstirContract, String> addresses) {
        addresses.forEach((c, a) -> byAddress.put(a.toLowerCase(Locale.ROOT), c));
        for (FabstirContract c : addresses.keySet()) {
            readEvents(c);
        }
    }

    /** Every known event as (contract, event name). */
    public List<Map.Entry<FabstirContract, String>> events() {
        return byTopic.values().stream().map(sp -> Map.entry(sp.contract, sp.name))
                .sorted(Map.Entry.<FabstirContract, String>comparingByKey().thenComparing(Map.Entry.comparingByValue()))
                .toList();
    }

    /** topic 0 of every known event, for the {@code eth_getLogs} filter. */
    public List<String> topics() {
        return List.copyOf(byTopic.keySet());
    }

    /** topic 0 of {@code contract}'s event {@code name}. */
    public String topic(FabstirContract contract, String name) {
        return byTopic.entrySet().stream()
                .filter(e -> e.getValue().contract == contract && e.getValue().name.equals(name))
                .map(Map.Entry::getKey).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(contract.contractName() + " has no event " + name));
    }

    /**
     * The event of this log, or null when it is not one of ours (another address or topic).
     *
     * @throws IllegalArgumentException when the log claims to be ours but its data does not decode
     */
    public DecodedEvent decode(Log log) {
        if (log.getTopics() == null || log.getTopics().isEmpty()) return null;
        FabstirContract contract = byAddress.get(log.getAddress().toLowerCase(Locale.ROOT));
        Spec spec = byTopic.get(log.getTopics().get(0).toLowerCase(Locale.ROOT));
        if (contract == null || spec == null || spec.contract != contract) return null;
        List<Type> data = FunctionReturnDecoder.decode(log.getData(), spec.data);
        if (data.size() != spec.data.size()) {
            throw new IllegalArgumentException(spec.name + " log " + log.getTransactionHash() + "#"
                    + log.getLogIndex() + ": data does not decode as " + spec.data.size() + " values");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        int topic = 1;
        int value = 0;
        for (Param p : spec.params) {
            Type t;
            if (p.indexed) {
                if (topic >= log.getTopics().size()) {
                    throw new IllegalArgumentException(spec.name + " log lacks topic " + topic);
                }
                t = FunctionReturnDecoder.decodeIndexedValue(log.getTopics().get(topic++), p.type);
            } else {
                t = data.get(value++);
            }
            Object v = t.getValue();
            args.put(p.name, v instanceof String s && t instanceof org.web3j.abi.datatypes.Address
                    ? s.toLowerCase(Locale.ROOT) : v);
        }
        return new DecodedEvent(contract, log.getAddress().toLowerCase(Locale.ROOT), spec.name,
                log.getBlockNumber().longValueExact(), log.getBlockHash(), log.getTransactionHash(),
                log.getLogIndex().longValueExact(), args);
    }

    @SuppressWarnings("unchecked")
    private void readEvents(FabstirContract contract) {
        JsonNode abi;
        try {
            abi = JSON.readTree(contract.abi());
        } catch (IOException e) {
            throw new UncheckedIOException("ABI of " + contract.contractName(), e);
        }
        for (JsonNode item : abi) {
            if (!"event".equals(item.path("type").asText())) continue;
            List<Param> params = new ArrayList<>();
            List<TypeReference<?>> all = new ArrayList<>();
            List<TypeReference<Type>> data = new ArrayList<>();
            for (JsonNode in : item.path("inputs")) {
                TypeReference<Type> ref;
                boolean indexed = in.path("indexed").asBoolean();
                try {
                    ref = TypeReference.makeTypeReference(in.path("type").asText(), indexed, false);
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("unsupported ABI type " + in.path("type").asText(), e);
                }
                params.add(new Param(in.path("name").asText(), ref, indexed));
                all.add(ref);
                if (!indexed) data.add(ref);
            }
            String name = item.path("name").asText();
            String topic = EventEncoder.encode(new Event(name, all)).toLowerCase(Locale.ROOT);
            byTopic.put(topic, new Spec(contract, name, params, data));
        }
    }

    /** Wei as ETH, exactly. */
    public static java.math.BigDecimal eth(BigInteger wei) {
        return new java.math.BigDecimal(wei, 18).stripTrailingZeros();
    }
}
