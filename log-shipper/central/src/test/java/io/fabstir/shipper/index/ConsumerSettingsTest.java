package io.fabstir.shipper.index;

import io.fabstir.shipper.identity.NodeTopics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RoundRobinAssignor;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

class ConsumerSettingsTest {

    private static Properties settings(IndexLoop.Builder b) {
        return IndexLoop.consumerProperties(b.bootstrapServers("kafka-1:9093"), "g", "c");
    }

    @Test
    void nodeTopicsAreSpreadOverTheIndexersNotAllGivenToOne() {
        Properties p = settings(IndexLoop.builder().nodeTopics(NodeTopics.of("fabstir.logs.", "fabstir.chain")));
        assertThat(p.get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG))
                .isEqualTo(CooperativeStickyAssignor.class.getName());
    }

    @Test
    void anOperatorsAssignorWins() {
        Properties p = settings(IndexLoop.builder().nodeTopics(NodeTopics.of("fabstir.logs.", "fabstir.chain"))
                .kafkaProperties(Map.of("consumer.partition.assignment.strategy", RoundRobinAssignor.class.getName())));
        assertThat(p.get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG))
                .isEqualTo(RoundRobinAssignor.class.getName());
    }

    @Test
    void autoCommitStaysOffWhateverIsPassedThrough() {
        Properties p = settings(IndexLoop.builder().kafkaProperties(Map.of("enable.auto.commit", "true")));
        assertThat(p.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG)).isEqualTo("false");
    }
}
