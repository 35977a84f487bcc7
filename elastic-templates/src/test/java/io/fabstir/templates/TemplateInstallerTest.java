package io.fabstir.templates;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.indices.GetFieldMappingResponse;
import co.elastic.clients.elasticsearch.indices.get_field_mapping.TypeFieldMappings;
import co.elastic.clients.elasticsearch._types.mapping.FieldMapping;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.rest_client.RestClientTransport;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.localservices.SharedServices;
import org.apache.http.HttpHost;
import org.elasticsearch.client.RestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The templates installed into the real Elasticsearch of the local-services kit. */
@Tag("integration")
class TemplateInstallerTest {
    private static RestClient rest;
    private static ElasticsearchClient client;

    @BeforeAll
    static void connect() {
        URI url = URI.create(SharedServices.elasticsearchUrl());
        rest = RestClient.builder(new HttpHost(url.getHost(), url.getPort(), url.getScheme())).build();
        client = new ElasticsearchClient(new RestClientTransport(rest, new JacksonJsonpMapper()));
    }

    @AfterAll
    static void close() throws Exception {
        rest.close();
    }

    private static TemplateInstaller installer() {
        return TemplateInstaller.builder().client(client).replicas(0).build();
    }

    @Test
    void installingTwiceWritesNothingTheSecondTime() throws Exception {
        installer().install();
        InstallReport second = installer().install();
        assertThat(second.unchanged()).isTrue();
        assertThat(second.outcomes()).extracting(InstallReport.Outcome::name)
                .contains("fabstir-logs-settings", "fabstir-logs-ecs", "fabstir-logs-fabstir", "fabstir-logs-dlq",
                        "fabstir-logs", "fabstir-logs-dlq");
    }

    @Test
    void clusterWithoutIlmIsDetectedAndThePolicySkippedCleanly() throws Exception {
        InstallReport report = installer().install();
        InstallReport.Outcome policy = report.outcomes().stream().filter(o -> o.kind().equals("ilm_policy"))
                .findFirst().orElseThrow();
        if (report.ilmAvailable()) { // an external cluster with ILM (FABSTIR_ES_URL)
            assertThat(policy.action()).isIn(InstallReport.Action.CREATED, InstallReport.Action.UNCHANGED,
                    InstallReport.Action.UPDATED);
        } else {
            assertThat(policy.action()).isEqualTo(InstallReport.Action.SKIPPED);
        }
    }

    @Test
    void changedSettingIsUpdatedAndANewerClusterVersionIsKept() throws Exception {
        installer().install();
        InstallReport twoShards = TemplateInstaller.builder().client(client).replicas(0).shards(2).build().install();
        assertThat(action(twoShards, "fabstir-logs-settings")).isEqualTo(InstallReport.Action.UPDATED);
        assertThat(action(twoShards, "fabstir-logs-ecs")).isEqualTo(InstallReport.Action.UNCHANGED);
        assertThat(action(installer().install(), "fabstir-logs-settings")).isEqualTo(InstallReport.Action.UPDATED);

        ObjectNode newer = TemplateResources.component(TemplateResources.DLQ, 1, 0, TemplateResources.POLICY);
        newer.put("version", 99);
        client.cluster().putComponentTemplate(r -> r.name("fabstir-logs-dlq")
                .withJson(new StringReader(TemplateResources.toJson(newer))));
        assertThat(action(installer().install(), "fabstir-logs-dlq")).isEqualTo(InstallReport.Action.KEPT_NEWER);

        ObjectNode older = TemplateResources.component(TemplateResources.DLQ, 1, 0, TemplateResources.POLICY);
        older.put("version", 0);
        client.cluster().putComponentTemplate(r -> r.name("fabstir-logs-dlq")
                .withJson(new StringReader(TemplateResources.toJson(older))));
        assertThat(action(installer().install(), "fabstir-logs-dlq")).isEqualTo(InstallReport.Action.UPDATED);
        assertThat(installer().install().unchanged()).isTrue();
    }

    private static InstallReport.Action action(InstallReport report, String name) {
        return report.outcomes().stream().filter(o -> o.name().equals(name) && o.kind().equals("component_template"))
                .findFirst().orElseThrow().action();
    }

    @Test
    void everyEventKindIsIndexedAndSearchableWithTheMappedTypes() throws Exception {
        installer().install();
        String run = Long.toString(System.nanoTime() % 1_000_000, 36); // fresh indices on a long-lived cluster
        String index = "fabstir-logs-kinds" + run + "-2026.11.24";
        String common = "\"@timestamp\":\"2026-11-24T07:00:00.123Z\",\"service.name\":\"fabstir-node\","
                + "\"host.name\":\"gpu-1\",\"fabstir.node_id\":\"node-1\",\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
                + "\"span.id\":\"00f067aa0ba902b7\",\"process.thread.name\":\"worker-1\",\"log.logger\":\"io.fabstir.X\"";
        Map<String, String> docs = Map.of(
                "job", "{" + common + ",\"event.id\":\"job\",\"log.level\":\"INFO\",\"event.dataset\":\"fabstir.job\","
                        + "\"event.action\":\"job.completed\",\"event.outcome\":\"success\",\"event.duration\":1500000000,"
                        + "\"fabstir.job.id\":\"j-1\",\"fabstir.job.model\":\"llama\",\"fabstir.job.tokens_used\":812,"
                        + "\"message\":\"Job j-1 completed\"}",
                "audit", "{" + common + ",\"event.id\":\"audit\",\"log.level\":\"INFO\",\"event.dataset\":\"fabstir.audit\","
                        + "\"event.action\":\"stake.deposited\",\"user.id\":\"0xabc\",\"fabstir.audit.actor\":\"operator\","
                        + "\"message\":\"stake deposited\"}",
                "perf", "{" + common + ",\"event.id\":\"perf\",\"log.level\":\"DEBUG\",\"event.dataset\":\"fabstir.performance\","
                        + "\"fabstir.perf.operation\":\"model.load\",\"event.duration\":250000000,\"labels.gpu_index\":\"0\","
                        + "\"labels.attempt\":3,\"message\":\"model.load done\"}",
                "app", "{" + common + ",\"event.id\":\"app\",\"log.level\":\"WARN\",\"event.dataset\":\"fabstir.app\","
                        + "\"message\":\"peer disconnected\"}",
                // as the edge's `tail` wraps a line that is not JSON
                "unparsed", "{" + common + ",\"event.id\":\"unparsed\",\"event.dataset\":\"fabstir.unparsed\","
                        + "\"fabstir.parse_error\":\"Unrecognized token 'plain'\",\"fabstir.original_bytes\":22,"
                        + "\"message\":\"plain third-party line\"}",
                "error", "{" + common + ",\"event.id\":\"error\",\"log.level\":\"ERROR\",\"event.dataset\":\"fabstir.job\","
                        + "\"event.action\":\"job.failed\",\"error.type\":\"java.lang.IllegalStateException\","
                        + "\"error.message\":\"CUDA out of memory\",\"error.stack_trace\":\"java.lang.IllegalStateException: "
                        + "CUDA out of memory\\n\\tat io.fabstir.JobRunner.run(JobRunner.java:88)\",\"message\":\"Job failed\"}");
        for (Map.Entry<String, String> d : docs.entrySet()) {
            client.index(r -> r.index(index).id(d.getKey()).withJson(new StringReader(d.getValue())));
        }
        client.indices().refresh(r -> r.index(index));

        Map<String, String> expected = Map.ofEntries(
                Map.entry("@timestamp", "date"), Map.entry("message", "text"), Map.entry("log.level", "keyword"),
                Map.entry("log.logger", "keyword"), Map.entry("event.id", "keyword"),
                Map.entry("event.dataset", "keyword"), Map.entry("event.action", "keyword"),
                Map.entry("event.outcome", "keyword"), Map.entry("event.duration", "long"),
                Map.entry("trace.id", "keyword"), Map.entry("span.id", "keyword"), Map.entry("host.name", "keyword"),
                Map.entry("service.name", "keyword"), Map.entry("process.thread.name", "keyword"),
                Map.entry("user.id", "keyword"), Map.entry("fabstir.node_id", "keyword"),
                Map.entry("fabstir.job.id", "keyword"), Map.entry("fabstir.job.model", "keyword"),
                Map.entry("fabstir.job.tokens_used", "long"), Map.entry("fabstir.audit.actor", "keyword"),
                Map.entry("fabstir.perf.operation", "keyword"), Map.entry("labels.gpu_index", "keyword"),
                Map.entry("labels.attempt", "keyword"), Map.entry("fabstir.parse_error", "text"),
                Map.entry("fabstir.original_bytes", "long"),
                Map.entry("error.type", "keyword"), Map.entry("error.message", "text"),
                Map.entry("error.stack_trace", "text"));
        GetFieldMappingResponse mapping = client.indices().getFieldMapping(r -> r.index(index)
                .fields(List.copyOf(expected.keySet())));
        TypeFieldMappings fields = mapping.result().get(index);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            FieldMapping fm = fields.mappings().get(e.getKey());
            assertThat(fm).as(e.getKey()).isNotNull();
            assertThat(fm.mapping().values().iterator().next()._kind().jsonValue()).as(e.getKey())
                    .isEqualTo(e.getValue());
        }

        assertThat(count(index, "{\"term\":{\"log.level\":\"ERROR\"}}")).isEqualTo(1);
        assertThat(count(index, "{\"match\":{\"message\":\"completed\"}}")).isEqualTo(1);
        assertThat(count(index, "{\"match\":{\"error.stack_trace\":\"JobRunner.java\"}}")).isEqualTo(1);
        assertThat(count(index, "{\"range\":{\"fabstir.job.tokens_used\":{\"gte\":800}}}")).isEqualTo(1);
        assertThat(count(index, "{\"range\":{\"@timestamp\":{\"gte\":\"2026-11-24T00:00:00Z\"}}}")).isEqualTo(6);
        assertThat(count(index, "{\"term\":{\"labels.gpu_index\":\"0\"}}")).isEqualTo(1);
        assertThat(count(index, "{\"term\":{\"event.dataset\":\"fabstir.unparsed\"}}")).isEqualTo(1);

        String dlq = "fabstir-logs-dlq-kinds" + run + "-2026.11.24";
        client.index(r -> r.index(dlq).id("d1").withJson(new StringReader("{\"@timestamp\":\"2026-11-24T07:00:00Z\","
                + "\"fabstir.dlq.payload\":\"not json at all\",\"fabstir.dlq.reason\":\"value is not valid JSON\","
                + "\"fabstir.dlq.error_type\":\"not_json\",\"fabstir.dlq.source.topic\":\"fabstir.logs\","
                + "\"fabstir.dlq.source.partition\":1,\"fabstir.dlq.source.offset\":42}")));
        client.indices().refresh(r -> r.index(dlq));
        TypeFieldMappings dlqFields = client.indices().getFieldMapping(r -> r.index(dlq)
                .fields("fabstir.dlq.payload", "fabstir.dlq.error_type", "fabstir.dlq.source.offset")).result().get(dlq);
        assertThat(dlqFields.mappings().get("fabstir.dlq.payload").mapping().get("payload").keyword().index())
                .isFalse();
        assertThat(dlqFields.mappings().get("fabstir.dlq.source.offset").mapping().get("offset")._kind().jsonValue())
                .isEqualTo("long");
        assertThat(count(dlq, "{\"term\":{\"fabstir.dlq.error_type\":\"not_json\"}}")).isEqualTo(1);
    }

    private static long count(String index, String query) throws Exception {
        return client.count(c -> c.index(index).withJson(new StringReader("{\"query\":" + query + "}"))).count();
    }
}
