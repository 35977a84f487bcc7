package io.fabstir.shipper.harness;

import io.fabstir.shipper.index.IndexLoop;
import io.fabstir.shipper.sink.loki.LokiConfig;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The loop with the Loki sink as a child JVM, configured by {@code key=value} arguments: the {@code loki.*} keys of
 * {@link LokiConfig}, and {@code kafka.bootstrap_servers}, {@code kafka.topic}, {@code kafka.group_id},
 * {@code kafka.dlq_topic} and {@code kafka.properties.<property>} for the loop, so a test can SIGKILL it like the
 * other shipper processes.
 */
public final class LokiSinkMain {
    private LokiSinkMain() {
    }

    public static void main(String[] args) {
        ParentWatchdog.start();
        Map<String, String> loki = new LinkedHashMap<>();
        Map<String, String> kafka = new LinkedHashMap<>();
        Map<String, String> properties = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                System.err.println("expected key=value, got " + a);
                System.exit(2);
            }
            String k = a.substring(0, eq);
            String v = a.substring(eq + 1);
            if (k.startsWith("kafka.properties.")) {
                properties.put(k.substring("kafka.properties.".length()), v);
            } else if (k.startsWith("kafka.")) {
                kafka.put(k, v);
            } else {
                loki.put(k, v);
            }
        }
        IndexLoop loop = IndexLoop.builder().bootstrapServers(kafka.get("kafka.bootstrap_servers"))
                .topic(kafka.getOrDefault("kafka.topic", "fabstir.logs"))
                .groupId(kafka.getOrDefault("kafka.group_id", "fabstir-loki"))
                .dlqTopic(kafka.getOrDefault("kafka.dlq_topic", "fabstir.logs.dlq"))
                .kafkaProperties(properties)
                .sink(LokiConfig.builder(loki).build())
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(loop::close, "loki-sink-shutdown"));
        loop.run();
    }
}
