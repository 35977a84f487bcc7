package io.fabstir.localservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabstir.localservices.tls.TestCa;

class KafkaSettingsTest {

    @Test
    void singleNodeSettingsUseTheChosenPortsAndFitASmallHeap() {
        Properties p = KafkaSettings.render(Path.of("/x/data"), 1234, 5678, 3);
        assertThat(p.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:1234,CONTROLLER://127.0.0.1:5678");
        assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("1@127.0.0.1:5678");
        assertThat(p.getProperty("num.partitions")).isEqualTo("3");
        assertThat(p.getProperty("offsets.topic.replication.factor")).isEqualTo("1");
        assertThat(p.getProperty("log.cleaner.dedupe.buffer.size")).isEqualTo("16777216");
        assertThat(p.getProperty("group.initial.rebalance.delay.ms")).isEqualTo("0");
        assertThat(p.getProperty("log.dirs")).isEqualTo("/x/data");
    }

    @Test
    void securedSingleNodeHasNoPlaintextListenerAndDeniesByDefault(@TempDir Path dir) {
        KafkaSecurity security = KafkaSecurity.of(TestCa.create(dir));
        Properties p = KafkaSettings.renderSecured(Path.of("/x/data"), 1001, 1002, 1003, 1, security);
        assertThat(p.getProperty("listener.security.protocol.map")).doesNotContain("PLAINTEXT");
        assertThat(p.getProperty("advertised.listeners")).isEqualTo("SASL_SSL://127.0.0.1:1001,MTLS://127.0.0.1:1002");
        assertThat(p.getProperty("listener.name.mtls.ssl.client.auth")).isEqualTo("required");
        assertThat(p.getProperty("listener.name.controller.ssl.client.auth")).isEqualTo("required");
        assertThat(p.getProperty("allow.everyone.if.no.acl.found")).isEqualTo("false");
        assertThat(p.getProperty("super.users")).isEqualTo("User:admin;User:kafka-broker");
        assertThat(security.formatArguments()).containsExactly("--add-scram",
                "SCRAM-SHA-512=[name=admin,iterations=4096,password=\"" + security.adminPassword() + "\"]");
    }

    @Test
    void clusterBrokerAdvertisesItsProxiesAndReachesTheControllerThroughItsOwn() {
        Properties p = KafkaSettings.clusterBroker(Path.of("/x/data"), 2, 100, 7000, new int[] {1001}, new int[] {2001},
                3, null);
        assertThat(p.getProperty("listeners")).isEqualTo("PLAINTEXT://127.0.0.1:1001");
        assertThat(p.getProperty("advertised.listeners")).isEqualTo("PLAINTEXT://127.0.0.1:2001");
        assertThat(p.getProperty("controller.quorum.voters")).isEqualTo("100@127.0.0.1:7000");
        assertThat(p.getProperty("process.roles")).isEqualTo("broker");
        assertThat(p.getProperty("min.insync.replicas")).isEqualTo("2");
        assertThat(p.getProperty("default.replication.factor")).isEqualTo("3");
    }

    @Test
    void freePortsAreDistinct() {
        int[] ports = FreePorts.next(4);
        assertThat(ports).doesNotHaveDuplicates().doesNotContain(0);
    }

    @Test
    void elasticsearchConfigIsSingleNodeWithoutSecurityOnLoopback() {
        String yml = LocalElasticsearch.render(Path.of("/d"), Path.of("/l"), 9201, 9301);
        assertThat(yml).contains("discovery.type: single-node", "xpack.security.enabled: false",
                "network.host: 127.0.0.1", "http.port: 9201", "transport.port: 9301", "path.data: /d");
    }
}
