package io.fabstir.templates.kibana;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabstir.localservices.SharedServices;
import io.fabstir.templates.TemplateInstaller;
import org.apache.http.HttpHost;
import org.apache.http.util.EntityUtils;
import org.elasticsearch.client.Request;
import org.elasticsearch.client.Response;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each saved search's query, as documented for users without Kibana, run through the real {@code _search} API of
 * the local-services Elasticsearch over indices made by the installed templates, returns exactly the expected
 * records of every event kind, in the saved search's order.
 */
@Tag("integration")
class KibanaSavedSearchesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static RestClient rest;
    private static String logsPattern;
    private static String dlqPattern;

    @BeforeAll
    static void indexEveryEventKind() throws Exception {
        URI url = URI.create(SharedServices.elasticsearchUrl());
        rest = RestClient.builder(new HttpHost(url.getHost(), url.getPort(), url.getScheme())).build();
        ElasticsearchClient client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
        TemplateInstaller.builder().client(client).replicas(0).build().install();

        // Fresh indices per run on a long-lived cluster; names still fall under the installed templates' patterns.
        String run = "kib" + Long.toString(System.nanoTime() % 1_000_000, 36);
        String day1 = "fabstir-logs-" + run + "-2026.11.24";
        String day2 = "fabstir-logs-" + run + "-2026.11.25";
        String dlq = "fabstir-logs-dlq-" + run + "-2026.11.24";
        // Like fabstir-logs-* in Kibana, the logs searches also see the DLQ index: they must not trip over it.
        logsPattern = "fabstir-logs-" + run + "-*,fabstir-logs-dlq-" + run + "-*";
        dlqPattern = "fabstir-logs-dlq-" + run + "-*";

        Map<String, String> docs = new LinkedHashMap<>();
        docs.put("job-ok", job("job-ok", "01:00", "node-1", "INFO", "job.completed", "success", ""));
        docs.put("job-failed", job("job-failed", "02:00", "node-2", "ERROR", "job.failed", "failure",
                ",\"error.type\":\"java.lang.IllegalStateException\",\"error.message\":\"CUDA out of memory\","
                        + "\"error.stack_trace\":\"java.lang.IllegalStateException: CUDA out of memory\\n\\tat x\""));
        docs.put("job-timeout", job("job-timeout", "03:00", "node-1", "WARN", "job.failed", "unknown", ""));
        docs.put("audit-1", record("audit-1", "04:00", "node-1", "INFO", "fabstir.audit",
                ",\"event.action\":\"stake.deposited\",\"user.id\":\"0xabc\",\"fabstir.audit.actor\":\"operator\","
                        + "\"fabstir.audit.tx_hash\":\"0xdead\",\"message\":\"stake deposited\""));
        docs.put("perf-slow-flag", perf("perf-slow-flag", "05:00", 500_000_000L, true));
        docs.put("perf-slow-duration", perf("perf-slow-duration", "05:30", 2_500_000_000L, false));
        docs.put("perf-fast", perf("perf-fast", "06:00", 100_000_000L, false));
        docs.put("app-error", record("app-error", "07:00", "node-1", "ERROR", "fabstir.app",
                ",\"message\":\"peer handshake failed\""));
        docs.put("app-exception", record("app-exception", "07:30", "node-2", "WARN", "fabstir.app",
                ",\"message\":\"retrying\",\"error.type\":\"java.net.SocketTimeoutException\""));
        docs.put("app-warn", record("app-warn", "08:00", "node-1", "WARN", "fabstir.app",
                ",\"message\":\"slow peer\""));
        docs.put("unparsed", "{\"@timestamp\":\"2026-11-24T09:00:00.000Z\",\"event.id\":\"unparsed\","
                + "\"event.dataset\":\"fabstir.unparsed\",\"fabstir.unparsed\":true,\"host.name\":\"gpu-1\","
                + "\"fabstir.node_id\":\"node-1\",\"log.file.path\":\"/var/log/fabstir/node.log\","
                + "\"fabstir.parse_error\":\"Unrecognized token 'plain'\",\"message\":\"plain third-party line\"}");
        for (Map.Entry<String, String> d : docs.entrySet()) {
            client.index(r -> r.index(day1).id(d.getKey()).withJson(new StringReader(d.getValue())));
        }
        client.index(r -> r.index(day2).id("audit-2").withJson(new StringReader(record("audit-2", "04:00", "node-2",
                "INFO", "fabstir.audit", ",\"event.action\":\"model.registered\",\"user.id\":\"0xdef\""
                        + ",\"message\":\"model registered\"").replace("2026-11-24", "2026-11-25"))));
        client.index(r -> r.index(dlq).id("dlq-1").withJson(new StringReader("{\"@timestamp\":\"2026-11-24T10:00:00Z\","
                + "\"fabstir.node_id\":\"node-1\",\"fabstir.dlq.payload\":\"{\\\"event.duration\\\":\\\"soon\\\"}\","
                + "\"fabstir.dlq.reason\":\"mapper_parsing_exception: failed to parse field [event.duration]\","
                + "\"fabstir.dlq.error_type\":\"mapper_parsing_exception\",\"fabstir.dlq.source.topic\":\"fabstir.logs\","
                + "\"fabstir.dlq.source.partition\":0,\"fabstir.dlq.source.offset\":7}")));
        client.indices().refresh(r -> r.index(day1, day2, dlq));
    }

    @AfterAll
    static void close() throws Exception {
        rest.close();
    }

    private static String record(String id, String time, String node, String level, String dataset, String rest) {
        return "{\"@timestamp\":\"2026-11-24T" + time + ":00.000Z\",\"event.id\":\"" + id + "\",\"log.level\":\""
                + level + "\",\"event.dataset\":\"" + dataset + "\",\"service.name\":\"fabstir-node\","
                + "\"host.name\":\"gpu-" + node.substring(5) + "\",\"fabstir.node_id\":\"" + node + "\","
                + "\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"log.logger\":\"io.fabstir.X\"" + rest + "}";
    }

    private static String job(String id, String time, String node, String level, String action, String outcome,
                              String rest) {
        return record(id, time, node, level, "fabstir.job", ",\"event.action\":\"" + action + "\",\"event.outcome\":\""
                + outcome + "\",\"fabstir.job.id\":\"j-" + id + "\",\"fabstir.job.model\":\"llama\","
                + "\"event.duration\":1500000000,\"message\":\"job " + action + "\"" + rest);
    }

    private static String perf(String id, String time, long durationNs, boolean slow) {
        return record(id, time, "node-1", slow ? "WARN" : "INFO", "fabstir.performance",
                ",\"fabstir.perf.operation\":\"model.load\",\"event.duration\":" + durationNs
                        + ",\"fabstir.perf.duration_ms\":" + durationNs / 1_000_000.0 + ",\"fabstir.perf.slow\":" + slow
                        + ",\"labels.gpu_index\":\"0\",\"message\":\"model.load done\"");
    }

    private static JsonNode search(String id) throws Exception {
        SavedSearch s = KibanaSavedObjects.savedSearches().stream().filter(x -> x.id().equals(id)).findFirst()
                .orElseThrow();
        String pattern = s.indexPattern().equals("fabstir-logs-dlq-*") ? dlqPattern : logsPattern;
        Request request = new Request("POST", "/" + pattern + "/_search");
        request.setJsonEntity(s.searchBody());
        Response response = rest.performRequest(request);
        JsonNode body = JSON.readTree(EntityUtils.toString(response.getEntity()));
        assertThat(body.at("/_shards/failed").asInt()).as(id + ": " + body).isZero();
        return body;
    }

    private static List<String> ids(JsonNode body) {
        List<String> ids = new ArrayList<>();
        body.at("/hits/hits").forEach(h -> ids.add(h.get("_id").asText()));
        return ids;
    }

    @Test
    void failedJobsFindsFailuresByOutcomeOrAction() throws Exception {
        assertThat(ids(search("fabstir-failed-jobs"))).containsExactly("job-timeout", "job-failed");
    }

    @Test
    void auditTrailListsEveryAuditEventAcrossDailyIndicesOldestFirst() throws Exception {
        assertThat(ids(search("fabstir-audit-trail"))).containsExactly("audit-1", "audit-2");
    }

    @Test
    void slowOperationsFindsFlaggedAndLongOperationsSlowestFirst() throws Exception {
        assertThat(ids(search("fabstir-slow-operations"))).containsExactly("perf-slow-duration", "perf-slow-flag");
    }

    @Test
    void errorsByNodeFindsErrorLevelAndErrorCarryingRecordsAndCountsThemPerNode() throws Exception {
        JsonNode body = search("fabstir-errors-by-node");
        assertThat(ids(body)).containsExactly("app-error", "app-exception", "job-failed");
        Map<String, Integer> perNode = new LinkedHashMap<>();
        body.at("/aggregations/by_node/buckets").forEach(b -> perNode.put(b.get("key").asText(),
                b.get("doc_count").asInt()));
        assertThat(perNode).containsExactly(Map.entry("node-2", 2), Map.entry("node-1", 1));
    }

    @Test
    void unparsedLinesFindsWhatTheEdgeCouldNotParse() throws Exception {
        assertThat(ids(search("fabstir-unparsed-lines"))).containsExactly("unparsed");
    }

    @Test
    void dlqListsDeadLetterRecords() throws Exception {
        JsonNode body = search("fabstir-dlq");
        assertThat(ids(body)).containsExactly("dlq-1");
        assertThat(body.at("/hits/hits/0/_source/fabstir.dlq.error_type").asText())
                .isEqualTo("mapper_parsing_exception");
    }
}
