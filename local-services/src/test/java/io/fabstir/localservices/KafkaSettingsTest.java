package io.fabstir.localservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;

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
