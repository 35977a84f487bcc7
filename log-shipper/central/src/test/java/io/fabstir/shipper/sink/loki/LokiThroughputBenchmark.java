package io.fabstir.shipper.sink.loki;

import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.index.IndexLoop;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * End-to-end throughput of the Loki sink (Kafka → the loop with {@link LokiSink} → {@link LokiReceiver}, which decodes and
 * validates every push in the same JVM) in both formats, next to a bare Kafka consumer reading the same topic (the
 * ceiling on this machine). Not a test; run with:
 *
 * <pre>
 * mvn -B -ntp -o -Dbuild.out=target-loki -pl log-shipper/central -am test-compile exec:java \
 *   -Dexec.classpathScope=test -Dexec.mainClass=io.fabstir.shipper.sink.loki.LokiThroughputBenchmark -Dexec.args=100000
 * </pre>
 * (uses the shared local Kafka, or FABSTIR_KAFKA_BOOTSTRAP).
 */
public final class LokiThroughputBenchmark {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String bootstrap = SharedServices.kafkaBootstrap();
        String topic = "bench-loki-" + System.nanoTime();
        SharedServices.kafka().createTopic(topic, 3);
        Instant base = Instant.now().minusSeconds(600);
        long bytes = 0;
        try (KafkaProducer<String, String> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "linger.ms", "20", "batch.size", "262144", "compression.type", "lz4"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                String node = "node-" + (i % 10);
                String v = "{\"@timestamp\":\"" + base.plusNanos(i * 1000L) + "\",\"log.level\":\""
                        + (i % 5 == 0 ? "ERROR" : "INFO") + "\",\"message\":\"inference job step " + i
                        + " finished tokens=512 model=llama-3-8b\",\"log.logger\":\"io.fabstir.node.JobRunner\","
                        + "\"process.thread.name\":\"worker-3\",\"service.name\":\"fabstir-node\",\"service.version\":\"1.4.2\","
                        + "\"event.dataset\":\"fabstir.job\",\"fabstir.node_id\":\"" + node + "\",\"host.name\":\"gpu-host-1\","
                        + "\"event.id\":\"01JBENCH" + i + "\",\"trace.id\":\"4bf92f3577b34da6a3ce929d0e0e" + i
                        + "\",\"span.id\":\"00f067aa0ba902b7\",\"fabstir.job.id\":\"job-" + (i / 10) + "\"}";
                bytes += v.length();
                p.send(new ProducerRecord<>(topic, node, v));
            }
        }
        System.out.printf("input: %d records, %.0f bytes/record, 3 partitions, 20 streams%n", n, (double) bytes / n);

        long t0 = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "bench-bare-" + topic, "auto.offset.reset", "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            int seen = 0;
            while (seen < n) {
                seen += c.poll(Duration.ofMillis(200)).count();
            }
        }
        report("bare KafkaConsumer (ceiling)", n, t0, -1);

        // Each format twice, alternating, so JIT warm-up does not favour the one measured last.
        for (PushFormat format : List.of(PushFormat.PROTOBUF, PushFormat.JSON, PushFormat.PROTOBUF, PushFormat.JSON)) {
            try (LokiReceiver loki = LokiReceiver.open()) {
                PrometheusRegistry registry = new PrometheusRegistry();
                IndexLoop indexer = IndexLoop.builder().bootstrapServers(bootstrap).topic(topic)
                        .groupId("bench-loki-" + format + "-" + System.nanoTime()).registry(registry)
                        .sink(LokiSink.builder().url(loki.url()).format(format).linger(Duration.ofMillis(200))
                                .registry(registry).build()).build();
                long start = System.nanoTime();
                Thread t = new Thread(indexer);
                t.start();
                while (loki.accepted().size() < n) {
                    Thread.sleep(10);
                }
                report("Loki sink, " + format, n, start, loki.requests());
                indexer.close();
                t.join();
            }
        }
        System.exit(0);
    }

    private static void report(String what, int n, long startNanos, int requests) {
        double s = (System.nanoTime() - startNanos) / 1e9;
        System.out.printf("%-30s %8d records in %6.2f s = %8.0f records/s%s%n", what, n, s, n / s,
                requests >= 0 ? ", " + requests + " pushes" : "");
    }
}
