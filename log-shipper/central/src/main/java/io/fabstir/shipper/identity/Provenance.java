package io.fabstir.shipper.identity;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.shipper.normalize.Normalized;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The identity stage of the central transform: whose record a document is, set from where it was read.
 *
 * <p>With {@linkplain #nodeTopics per-node topics} the node is the topic's: {@code fabstir.node_id} is set to it,
 * and a record that says otherwise keeps its claim in {@code fabstir.claimed_node_id} and is flagged
 * {@code claimed_other_node}; a contract event ({@code event.dataset: fabstir.contract}) is accepted from the chain
 * monitor's topic only, and from a node becomes {@code fabstir.app}, its claim kept in
 * {@code fabstir.claimed_dataset}, flagged {@code contract_from_node}. {@linkplain #selfDeclared Without them} (one
 * shared topic, a trusted network) the record's own {@code fabstir.node_id} is taken as it is.
 *
 * <p>Either way the document {@code _id} is scoped by that node ({@link ScopedIds}), the record's content hash
 * ({@link ContentScan}) decides whether a record under a taken id is a re-delivery or a different record, and fields
 * only the indexer writes ({@code fabstir.flags}, {@code fabstir.claimed_*}, {@code fabstir.content_hash}) are moved
 * into {@code fabstir.overflow} when a record brings its own. Flags are the first field of a document that has any,
 * so a sink can add one without parsing ({@link SourceFields#flag}). Thread-safe.
 */
public final class Provenance {
    public static final String NODE_ID = "fabstir.node_id";
    public static final String DATASET = "event.dataset";
    public static final String FLAGS = "fabstir.flags";
    public static final String CLAIMED_NODE_ID = "fabstir.claimed_node_id";
    public static final String CLAIMED_DATASET = "fabstir.claimed_dataset";
    public static final String CONTENT_HASH = "fabstir.content_hash";
    /** The record named another node than the topic it was read from. */
    public static final String CLAIMED_OTHER_NODE = "claimed_other_node";
    /** A contract event from a node's topic rather than the chain monitor's. */
    public static final String CONTRACT_FROM_NODE = "contract_from_node";
    /** A different record of the same node under an event id already taken (set by the Elasticsearch sink). */
    public static final String REUSED_EVENT_ID = "reused_event_id";
    static final String CONTRACT = "fabstir.contract";
    static final String APP = "fabstir.app";
    private static final String OVERFLOW = "fabstir.overflow";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final NodeTopics topics;

    private Provenance(NodeTopics topics) {
        this.topics = topics;
    }

    /** The node is the record's own {@code fabstir.node_id} (or the Kafka key): one shared topic, trusted writers. */
    public static Provenance selfDeclared() {
        return new Provenance(null);
    }

    /** The node is the topic's ({@code <prefix><node id>}); contract events only from the chain topic. */
    public static Provenance nodeTopics(NodeTopics topics) {
        return new Provenance(java.util.Objects.requireNonNull(topics, "topics"));
    }

    public NodeTopics topics() {
        return topics;
    }

    /**
     * @param topic, key, value the Kafka record (the value as the edge sent it: the content hash is taken over it)
     * @param doc               the normalised document
     * @return the document with its identity, node-scoped id and, where needed, rewritten identity fields
     */
    public Normalized apply(String topic, byte[] key, byte[] value, Normalized.Document doc) {
        ContentScan raw = ContentScan.of(value, true);
        ContentScan own = doc.source() == value ? raw : ContentScan.of(doc.source(), false);
        String node;
        boolean authoritative;
        boolean contractsAllowed;
        if (topics == null || topics.isChainTopic(topic)) {
            node = own.nodeClaim != null && !own.nodeClaimOdd ? own.nodeClaim
                    : key != null ? new String(key, StandardCharsets.UTF_8) : "";
            authoritative = false;
            contractsAllowed = true;
        } else {
            node = topics.nodeOf(topic);
            if (node == null) {
                return new Normalized.Rejected("unknown_topic", "topic " + topic + " is neither a node topic ("
                        + topics + ") nor the chain topic");
            }
            authoritative = true;
            contractsAllowed = false;
        }
        boolean claimedOther = authoritative && own.nodeClaims > 0 && (own.nodeClaimOdd || !node.equals(own.nodeClaim));
        boolean contract = !contractsAllowed && CONTRACT.equals(own.dataset);
        List<String> flags = new ArrayList<>(2);
        byte[] source = doc.source();
        if (claimedOther || contract || own.reserved) {
            if (claimedOther) {
                flags.add(CLAIMED_OTHER_NODE);
            }
            if (contract) {
                flags.add(CONTRACT_FROM_NODE);
            }
            source = rewrite(source, authoritative ? node : null, contract, flags);
            if (source == null) {
                return new Normalized.Rejected("serialization", "cannot rewrite the record's identity fields");
            }
        } else if (authoritative && own.nodeClaims == 0) {
            source = SourceFields.lead(source, "\"" + NODE_ID + "\":\"" + escape(node) + "\"");
        }
        String hash = raw.hash;
        Normalized.Identity identity = new Normalized.Identity(node, doc.id(), hash,
                hash == null ? null : ScopedIds.reused(node, doc.id(), hash), List.copyOf(flags));
        return new Normalized.Document(ScopedIds.document(node, doc.id()), doc.timestamp(), source, doc.repairs(),
                identity);
    }

    /**
     * The slow path, for the rare record whose identity fields must change: reserved fields move to the overflow,
     * a claim to {@code fabstir.claimed_node_id}, a refused dataset to {@code fabstir.claimed_dataset}; flags first.
     */
    private static byte[] rewrite(byte[] source, String node, boolean contract, List<String> flags) {
        ObjectNode in;
        try {
            in = (ObjectNode) JSON.readTree(source);
        } catch (IOException | ClassCastException e) {
            return null;
        }
        ObjectNode fabstir = in.get("fabstir") instanceof ObjectNode o ? o : null;
        ObjectNode event = in.get("event") instanceof ObjectNode o ? o : null;
        ObjectNode overflow = null;
        for (String name : new String[] {FLAGS, CLAIMED_NODE_ID, CLAIMED_DATASET, CONTENT_HASH}) {
            JsonNode flat = in.remove(name);
            JsonNode nested = fabstir == null ? null : fabstir.remove(name.substring("fabstir.".length()));
            for (JsonNode v : new JsonNode[] {flat, nested}) {
                if (v != null) {
                    overflow = overflow == null ? overflow(in) : overflow;
                    overflow.set(name, v);
                }
            }
        }
        String claimed = null;
        if (node != null) {
            for (JsonNode v : new JsonNode[] {in.remove(NODE_ID), fabstir == null ? null : fabstir.remove("node_id")}) {
                String text = v == null ? null : v.isValueNode() ? v.asText() : v.toString();
                if (claimed == null && text != null && !text.equals(node)) {
                    claimed = text;
                }
            }
        }
        String claimedDataset = null;
        if (contract) {
            JsonNode flat = in.remove(DATASET);
            JsonNode nested = event == null ? null : event.remove("dataset");
            JsonNode v = flat != null ? flat : nested;
            claimedDataset = v == null ? null : v.isValueNode() ? v.asText() : v.toString();
            in.put(DATASET, APP);
        }
        if (fabstir != null && fabstir.isEmpty()) {
            in.remove("fabstir");
        }
        if (event != null && event.isEmpty()) {
            in.remove("event");
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (!flags.isEmpty()) {
            ArrayNode f = out.putArray(FLAGS);
            flags.forEach(f::add);
        }
        if (node != null) {
            out.put(NODE_ID, node);
        }
        if (claimed != null) {
            out.put(CLAIMED_NODE_ID, claimed);
        }
        if (claimedDataset != null) {
            out.put(CLAIMED_DATASET, claimedDataset);
        }
        out.setAll(in);
        try {
            return JSON.writeValueAsBytes(out);
        } catch (IOException e) {
            return null;
        }
    }

    private static ObjectNode overflow(ObjectNode in) {
        JsonNode existing = in.get(OVERFLOW);
        if (existing instanceof ObjectNode o) {
            return o;
        }
        ObjectNode o = in.putObject(OVERFLOW);
        if (existing != null) {
            o.set(OVERFLOW, existing);
        }
        return o;
    }

    private static String escape(String s) {
        return new String(JsonStringEncoder.getInstance().quoteAsString(s));
    }
}
