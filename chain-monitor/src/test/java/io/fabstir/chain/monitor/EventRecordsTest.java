package io.fabstir.chain.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.chain.contracts.DecodedEvent;
import io.fabstir.chain.contracts.FabstirContract;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventRecordsTest {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final String TX = "0xAB" + "0".repeat(62);

    @Test
    void eventIdDependsOnlyOnChainTxAndLogIndex() {
        assertThat(EventRecords.eventId(1, TX, 0)).isEqualTo(EventRecords.eventId(1, TX.toLowerCase(), 0));
        assertThat(EventRecords.eventId(1, TX, 0)).isNotEqualTo(EventRecords.eventId(1, TX, 1))
                .isNotEqualTo(EventRecords.eventId(5, TX, 0));
        assertThat(EventRecords.eventId(1, TX, 0).version()).isEqualTo(8);
    }

    @Test
    void slashingIsAWarnAuditRecordWithTheAmountAsExactEth() throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("node", "0x" + "a".repeat(40));
        args.put("amount", new BigInteger("1500000000000000001"));
        args.put("reason", "missed SLA");
        DecodedEvent e = new DecodedEvent(FabstirContract.NODE_REGISTRY, "0x" + "1".repeat(40), "NodeSlashed", 7,
                "0xbb", TX, 3, args);
        JsonNode r = JSON.readTree(new EventRecords("mon", 31337).record(e, Instant.parse("2026-12-04T10:00:00Z"), null));
        assertThat(r.get("@timestamp").asText()).isEqualTo("2026-12-04T10:00:00.000Z");
        assertThat(r.get("log.level").asText()).isEqualTo("WARN");
        assertThat(r.get("event.dataset").asText()).isEqualTo("fabstir.contract");
        assertThat(r.get("event.action").asText()).isEqualTo("NodeSlashed");
        assertThat(r.get("fabstir.chain.block_number").asLong()).isEqualTo(7);
        assertThat(r.get("fabstir.chain.log_index").asLong()).isEqualTo(3);
        assertThat(r.get("fabstir.chain.args.amount_eth").decimalValue()).isEqualByComparingTo("1.500000000000000001");
        assertThat(r.get("fabstir.chain.args.amount_wei").asText()).isEqualTo("1500000000000000001");
        assertThat(r.get("fabstir.audit.reason").asText()).isEqualTo("missed SLA");
        assertThat(r.get("tags").get(0).asText()).isEqualTo("audit");
        assertThat(r.get("event.id").asText()).isEqualTo(EventRecords.eventId(31337, TX, 3).toString());
        assertThat(r.get("message").asText()).contains("slashed 1.500000000000000001 ETH: missed SLA");
    }

    @Test
    void completedJobCarriesModelAndDurationFromTheJob() throws Exception {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("jobId", BigInteger.valueOf(12));
        args.put("resultCID", "bafy");
        DecodedEvent e = new DecodedEvent(FabstirContract.JOB_MARKETPLACE, "0x" + "2".repeat(40), "JobCompleted", 9,
                "0xcc", TX, 0, args);
        JsonNode r = JSON.readTree(new EventRecords("mon", 1).record(e, Instant.EPOCH,
                new EventRecords.JobInfo("llama-3-8b", java.math.BigDecimal.ONE, 100, 130)));
        assertThat(r.get("log.level").asText()).isEqualTo("INFO");
        assertThat(r.get("fabstir.job.id").asText()).isEqualTo("12");
        assertThat(r.get("fabstir.job.model").asText()).isEqualTo("llama-3-8b");
        assertThat(r.get("event.duration").asLong()).isEqualTo(30_000_000_000L);
        assertThat(r.has("tags")).isFalse();
    }
}
