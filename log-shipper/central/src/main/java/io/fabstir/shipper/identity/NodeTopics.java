package io.fabstir.shipper.identity;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Per-node topics {@code <prefix><node id>} (e.g. {@code fabstir.logs.node-7}), each writable by its node's principal
 * only, and optionally the chain monitor's topic. The indexer subscribes to them by pattern and takes a record's
 * node from the topic's name.
 *
 * <p>A node id is letters, digits, {@code _} and {@code -}: no dot, so a node topic never equals a dotted name such as
 * {@code fabstir.logs.dlq.x}; the indexer refuses a DLQ or chain topic that matches the node pattern (a node of that
 * name could write it). Grant each node WRITE on its own topic as a LITERAL ACL: a PREFIXED one on
 * {@code fabstir.logs.node-1} would also cover {@code fabstir.logs.node-10}.
 */
public final class NodeTopics {
    /** A node id: what may follow the prefix. */
    public static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,199}");
    private static final Pattern TOPIC_CHARS = Pattern.compile("[A-Za-z0-9._-]+");

    private final String prefix;
    private final String chainTopic;
    private final Pattern subscription;

    private NodeTopics(String prefix, String chainTopic) {
        this.prefix = prefix;
        this.chainTopic = chainTopic;
        this.subscription = Pattern.compile(Pattern.quote(prefix) + NODE_ID.pattern()
                + (chainTopic == null ? "" : "|" + Pattern.quote(chainTopic)));
    }

    /**
     * @param prefix     what every node topic starts with, e.g. {@code fabstir.logs.}
     * @param chainTopic the chain monitor's topic (the only one whose records may be contract events), or null
     * @throws IllegalArgumentException when the prefix is no topic name, or the chain topic is itself a node topic
     */
    public static NodeTopics of(String prefix, String chainTopic) {
        Objects.requireNonNull(prefix, "prefix");
        if (!TOPIC_CHARS.matcher(prefix).matches()) {
            throw new IllegalArgumentException("'" + prefix + "' is not the start of a Kafka topic name "
                    + "(letters, digits, '.', '_', '-')");
        }
        NodeTopics t = new NodeTopics(prefix, chainTopic);
        if (chainTopic != null) {
            t.checkOutside("chain topic", chainTopic);
        }
        return t;
    }

    /** The node whose topic this is, or null when it is not a node topic. */
    public String nodeOf(String topic) {
        if (!topic.startsWith(prefix)) {
            return null;
        }
        String id = topic.substring(prefix.length());
        return NODE_ID.matcher(id).matches() ? id : null;
    }

    /** Node {@code nodeId}'s topic. */
    public String topicOf(String nodeId) {
        if (!NODE_ID.matcher(nodeId).matches()) {
            throw new IllegalArgumentException("node id '" + nodeId + "' must be letters, digits, '_' or '-' "
                    + "(no dot), at most 200");
        }
        return prefix + nodeId;
    }

    public boolean isChainTopic(String topic) {
        return topic.equals(chainTopic);
    }

    /** What the indexer subscribes to: every node topic, and the chain topic. */
    public Pattern subscription() {
        return subscription;
    }

    public String prefix() {
        return prefix;
    }

    public String chainTopic() {
        return chainTopic;
    }

    /**
     * Refuses a topic of another purpose (the DLQ) that a node could write because it looks like a node topic.
     *
     * @throws IllegalArgumentException naming {@code what}
     */
    public void checkOutside(String what, String topic) {
        String node = nodeOf(topic);
        if (node != null) {
            throw new IllegalArgumentException(what + " '" + topic + "' is inside the node topics " + prefix
                    + "<node id>: node '" + node + "' could write it; choose a name outside them, e.g. fabstir.dlq");
        }
    }

    @Override
    public String toString() {
        return prefix + "<node id>" + (chainTopic == null ? "" : " and " + chainTopic);
    }
}
