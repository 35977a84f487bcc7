package io.fabstir.chain.monitor;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.chain.contracts.DecodedEvent;
import io.fabstir.chain.contracts.EventCatalog;
import io.fabstir.enrichers.ids.DerivedUuid;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * One record per contract event, in the pipeline's record format (flat dotted ECS names, {@code fabstir.*} for the
 * rest): {@code event.dataset=fabstir.contract}, the block's time as {@code @timestamp}, {@code fabstir.chain.*} for
 * where it is on chain, {@code fabstir.chain.args.*} for its decoded arguments (wei as exact ETH decimals next to the
 * raw wei string, ids as strings: uint256 exceeds a long).
 */
final class EventRecords {
    static final String DATASET = "fabstir.contract";
    static final String LOGGER = "io.fabstir.chain.monitor";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).build();
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);

    private final String serviceName;
    private final long chainId;

    EventRecords(String serviceName, long chainId) {
        this.serviceName = serviceName;
        this.chainId = chainId;
    }

    /**
     * @param blockTime the block's timestamp
     * @param job       for JobCompleted: the job as the marketplace stores it, else null
     */
    byte[] record(DecodedEvent e, Instant blockTime, JobInfo job) {
        ObjectNode r = JSON.createObjectNode();
        boolean slash = "NodeSlashed".equals(e.event());
        r.put("@timestamp", TS.format(blockTime));
        r.put("log.level", slash ? "WARN" : "INFO");
        r.put("message", message(e, job));
        r.put("log.logger", LOGGER);
        r.put("process.thread.name", "chain-monitor");
        r.put("service.name", serviceName);
        r.put("event.id", eventId(chainId, e.txHash(), e.logIndex()).toString());
        r.put("event.dataset", DATASET);
        r.put("event.kind", "event");
        r.put("event.action", e.event());
        r.put("event.outcome", "success");
        r.put("fabstir.chain.id", chainId);
        r.put("fabstir.chain.block_number", e.blockNumber());
        r.put("fabstir.chain.block_hash", e.blockHash());
        r.put("fabstir.chain.tx_hash", e.txHash());
        r.put("fabstir.chain.log_index", e.logIndex());
        r.put("fabstir.chain.contract", e.contract().contractName());
        r.put("fabstir.chain.contract_address", e.contractAddress());
        r.put("fabstir.chain.event", e.event());
        for (Map.Entry<String, Object> a : e.args().entrySet()) {
            String key = "fabstir.chain.args." + a.getKey();
            if (a.getValue() instanceof BigInteger n) {
                if (isWei(e.event(), a.getKey())) {
                    r.put(key + "_eth", EventCatalog.eth(n));
                    r.put(key + "_wei", n.toString());
                } else {
                    r.put(key, n.toString());
                }
            } else {
                r.put(key, String.valueOf(a.getValue()));
            }
        }
        Object jobId = e.args().get("jobId");
        if (jobId != null) r.put("fabstir.job.id", jobId.toString());
        String model = e.text("modelId") != null ? e.text("modelId") : job == null ? null : job.model();
        if (model != null) r.put("fabstir.job.model", model);
        if (job != null && job.completedAt() >= job.postedAt()) {
            r.put("event.duration", (job.completedAt() - job.postedAt()) * 1_000_000_000L);
        }
        if (slash) {
            // An audit event as well: who was slashed, how much, why (the audit trail search finds it by tags).
            r.putArray("tags").add("audit");
            r.put("user.id", e.text("node"));
            r.put("fabstir.audit.action", "node.slashed");
            r.put("fabstir.audit.amount_eth", EventCatalog.eth(e.uint("amount")));
            r.put("fabstir.audit.reason", e.text("reason"));
        }
        try {
            return JSON.writeValueAsBytes(r);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** Which uint256 arguments are amounts of wei. */
    static boolean isWei(String event, String arg) {
        return "amount".equals(arg) || "payment".equals(arg);
    }

    static String message(DecodedEvent e, JobInfo job) {
        return switch (e.event()) {
            case "NodeRegistered" -> "node " + e.text("node") + " registered (metadata: " + e.text("metadata") + ")";
            case "NodeSlashed" -> "node " + e.text("node") + " slashed " + EventCatalog.eth(e.uint("amount")).toPlainString()
                    + " ETH: " + e.text("reason");
            case "JobPosted" -> "job " + e.text("jobId") + " posted by " + e.text("renter") + " for model "
                    + e.text("modelId") + ", payment " + EventCatalog.eth(e.uint("payment")).toPlainString() + " ETH";
            case "JobCompleted" -> "job " + e.text("jobId") + " completed"
                    + (job == null ? "" : " (model " + job.model() + ", " + (job.completedAt() - job.postedAt())
                    + " s after posting)") + ", result " + e.text("resultCID");
            case "PaymentReleased" -> "payment of " + EventCatalog.eth(e.uint("amount")).toPlainString()
                    + " ETH released to " + e.text("host") + " for job " + e.text("jobId");
            case "ProposalCreated" -> "proposal " + e.text("proposalId") + " created by " + e.text("proposer");
            default -> e.contract().contractName() + "." + e.event() + " " + e.args();
        };
    }

    /**
     * A UUIDv8 (RFC 9562 custom layout, as the edge derives ids for lines without one) from SHA-256 over chain id,
     * transaction hash and log index: the same event read again gets the same id, so Elasticsearch stores it once.
     */
    static UUID eventId(long chainId, String txHash, long logIndex) {
        return DerivedUuid.start().number(chainId).text(txHash.toLowerCase(Locale.ROOT)).number(logIndex).toUuid();
    }

    /** A job as {@code JobMarketplace.jobs(id)} returns it. */
    record JobInfo(String model, BigDecimal paymentEth, long postedAt, long completedAt) {}
}
