package io.fabstir.localservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabstir.localservices.tls.TestCa;

/** One secured 3-node cluster for the class. */
@Tag("integration")
class ElasticsearchClusterTest {
    @TempDir
    static Path dir;
    private static ElasticsearchCluster cluster;
    private static SecureElasticsearch es;

    @BeforeAll
    static void start() {
        cluster = ElasticsearchCluster.builder().dir(dir.resolve("es"))
                .security(ElasticsearchSecurity.of(TestCa.create(dir.resolve("ca")))).start();
        es = cluster.security();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) cluster.close();
    }

    @Test
    void everyShardGetsAReplicaOnAnotherNode() {
        assertThat(es.request("PUT", "/replicated", "{\"settings\":{\"number_of_shards\":3}}").status()).isEqualTo(200);
        cluster.awaitStatus("green", Duration.ofSeconds(60));
        String shards = es.request("GET", "/_cat/shards/replicated?h=shard,prirep,node&format=json", null).body();
        assertThat(shards.split("\"prirep\":\"r\"", -1)).hasSize(4);
        assertThat(shards).contains("node-1", "node-2", "node-3");
    }

    @Test
    void keepsServingReadsAndWritesWithANodeKilledAndHealsWhenItReturns() {
        assertThat(es.request("PUT", "/survivor", "{\"settings\":{\"number_of_shards\":3}}").status()).isEqualTo(200);
        cluster.awaitStatus("green", Duration.ofSeconds(60));
        for (int i = 0; i < 20; i++) index("before-" + i);

        cluster.kill(3);
        cluster.awaitStatus("yellow", Duration.ofSeconds(60));
        for (int i = 0; i < 20; i++) index("during-" + i);
        assertThat(count()).isEqualTo(40);

        cluster.start(3);
        cluster.awaitStatus("green", Duration.ofSeconds(120));
        assertThat(count()).isEqualTo(40);
    }

    private static void index(String id) {
        SecureElasticsearch.Response r = es.request("PUT", "/survivor/_doc/" + id + "?refresh=true", "{\"id\":\"" + id + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    private static long count() {
        String body = es.request("GET", "/survivor/_count", null).body();
        return Long.parseLong(body.replaceAll(".*\"count\":(\\d+).*", "$1"));
    }
}
