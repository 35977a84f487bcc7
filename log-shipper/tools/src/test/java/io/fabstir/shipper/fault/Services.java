package io.fabstir.shipper.fault;

import io.fabstir.shipper.harness.EsProbe;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real Kafka and Elasticsearch a run's pipeline talks to: one broker and one node ({@link FaultServices}), or
 * three brokers and three nodes that lose members ({@link ClusterServices}). The pipeline asks them for addresses,
 * topics and the arguments its processes need; scenarios attack them through the concrete class.
 */
abstract class Services {
    final EsProbe probe;

    Services(EsProbe probe) {
        this.probe = probe;
    }

    /** The brokers' addresses, as the edge and the indexer are given them. */
    abstract String bootstrap();

    /** Every Elasticsearch node's URL, as the indexer is given them. */
    abstract List<String> esUrls();

    abstract void createTopic(String name, int partitions);

    /** Extra {@code tail} arguments (delivery settings). */
    abstract List<String> tailArgs();

    /** Extra {@code index} arguments (Kafka client properties, shards and replicas of the daily indices). */
    abstract List<String> indexArgs();

    /** SIGKILL of the broker (scenarios of a single broker only). */
    abstract void killBroker();

    /** Starts the killed broker again (a no-op when it runs). */
    abstract void startBroker();

    /** Brings whatever a scenario killed, stopped or cut off back (a no-op when all run). */
    abstract void ensureUp();

    /** Whether {@code group} has committed every record of {@code topic} (nothing left to redeliver). */
    boolean caughtUp(String group, String topic) {
        Map<String, Object> p = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, 2000,
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, 2000);
        try (Admin admin = Admin.create(p)) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                    .partitions().forEach(pi -> ask.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
            var ends = admin.listOffsets(ask).all().get(10, TimeUnit.SECONDS);
            return ends.entrySet().stream().allMatch(e -> {
                OffsetAndMetadata c = committed.get(e.getKey());
                return e.getValue().offset() == 0 || (c != null && c.offset() >= e.getValue().offset());
            });
        } catch (Exception e) {
            return false; // broker restarting, group coordinator moving: ask again later
        }
    }

    /**
     * Descendants of this JVM that run a shipper (tail, index, Loki sink), whoever started them; the services (the
     * broker JVMs, Elasticsearch) are not among them.
     */
    static List<ProcessHandle> shipperDescendants() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().arguments().map(a -> Arrays.stream(a)
                        .anyMatch(x -> x.startsWith("io.fabstir.shipper.harness."))).orElse(false))
                .toList();
    }
}
