package io.fabstir.shipper.security;

import io.fabstir.localservices.LocalElasticsearch;
import io.fabstir.localservices.LocalKafka;
import io.fabstir.localservices.SecureElasticsearch;
import io.fabstir.localservices.SecureKafka;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.harness.EsProbe;
import io.fabstir.shipper.harness.ProcStat;
import io.fabstir.shipper.index.SampleRecords;
import io.fabstir.shipper.sink.elasticsearch.Roles;
import io.fabstir.templates.TemplateInstaller;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What TLS and authentication cost (harness, not a test): {@code tail} (file → Kafka) and {@code index}
 * (Kafka → Elasticsearch), each a child JVM, once in the clear (PLAINTEXT Kafka, http Elasticsearch) and once secured
 * (SASL_SSL with SCRAM-SHA-512; HTTPS with an API key of the indexer's role), alternating, on the same records.
 * Reports records/s between the first and the last record and the child's CPU time per record (utime + stime from
 * /proc): the shipper's own cost, not the broker's or Elasticsearch's.
 *
 * <pre>
 * mvn -B -ntp -pl log-shipper/tools -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
 *     -Dmdep.outputFile=$PWD/tls-bench.cp -DskipTests -q
 * java -cp log-shipper/tools/target/test-classes:log-shipper/tools/target/classes:$(cat tls-bench.cp) \
 *     io.fabstir.shipper.security.TlsCostBenchmark 200000 2
 * </pre>
 */
public final class TlsCostBenchmark {
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);

    private TlsCostBenchmark() {
    }

    /** One side's connection: bootstrap, client properties for the harness, and the child's flags. */
    private record Side(String name, String bootstrap, Map<String, Object> harness, List<String> tailFlags,
                        List<String> indexFlags, String esUrl) {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        Path dir = Files.createTempDirectory("tls-bench");
        LocalKafka plainKafka = SharedServices.kafka();
        LocalElasticsearch plainEs = SharedServices.elasticsearch();
        SecureKafka kafka = SharedServices.secureKafka().security();
        SecureElasticsearch es = SharedServices.secureElasticsearch().security();
        try (EsProbe p = new EsProbe(plainEs.url()); EsProbe s = EsProbe.of(es)) {
            TemplateInstaller.builder().client(p.client()).replicas(0).build().install();
            TemplateInstaller.builder().client(s.client()).replicas(0).build().install();
        }
        String user = "bench-" + RUN;
        kafka.addUser(user, "pw-" + RUN);
        kafka.allow(user, new ResourcePattern(ResourceType.TOPIC, "bench.", PatternType.PREFIXED), AclOperation.ALL);
        kafka.allow(user, new ResourcePattern(ResourceType.GROUP, "bench-", PatternType.PREFIXED), AclOperation.READ);
        Path pw = Files.writeString(dir.resolve("kafka.password"), "pw-" + RUN);
        Path key = Files.writeString(dir.resolve("es.key"), es.createApiKey("bench-" + RUN,
                Roles.INDEXER.descriptors()).encoded());
        List<String> kafkaFlags = List.of("--kafka-username", user, "--kafka-password-file", pw.toString(),
                "--kafka-ca-file", kafka.caPem().toString());
        List<String> secureIndex = new ArrayList<>(kafkaFlags);
        secureIndex.addAll(List.of("--es-hosts", es.url(), "--es-api-key-file", key.toString(), "--es-ca-file",
                es.caPem().toString()));
        Side plain = new Side("plaintext", plainKafka.bootstrapServers(),
                new HashMap<>(Map.of("bootstrap.servers", plainKafka.bootstrapServers())), List.of(),
                List.of("--es-hosts", plainEs.url()), plainEs.url());
        Side secure = new Side("SASL_SSL + HTTPS", kafka.bootstrapServers(),
                new HashMap<>(kafka.clientProperties(user)), kafkaFlags, secureIndex, es.url());

        Path logs = Files.createDirectories(dir.resolve("logs"));
        writeLines(logs.resolve("node.json"), n);
        List<String> rows = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            for (Side side : round % 2 == 1 ? List.of(plain, secure) : List.of(secure, plain)) {
                rows.add(tail(side, dir, logs, n, round));
            }
            for (Side side : round % 2 == 1 ? List.of(secure, plain) : List.of(plain, secure)) {
                rows.add(index(side, dir, n, round));
            }
        }
        System.out.println("| run | part | connection | records | records/s | CPU (cores) | CPU µs / record |");
        System.out.println("|---|---|---|---:|---:|---:|---:|");
        rows.forEach(System.out::println);
        System.exit(0);
    }

    private static String tail(Side side, Path dir, Path logs, int n, int round) throws Exception {
        String topic = "bench.tail." + RUN + "." + round + "." + Character.toLowerCase(side.name().charAt(0));
        createTopic(side, topic);
        List<String> args = new ArrayList<>(List.of("tail", "--node-id", "bench-node", "--host-name", "bench",
                "--bootstrap-servers", side.bootstrap(), "--topic", topic, "--path", logs + "/*.json",
                "--checkpoint-file", dir.resolve("cp-" + topic).toString()));
        args.addAll(side.tailFlags());
        Process p = launch(args, dir.resolve(topic + ".log"));
        try (Admin admin = Admin.create(side.harness())) {
            double[] m = measure(p, n, () -> endOffset(admin, topic));
            return row(round, "tail", side, n, m);
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String index(Side side, Path dir, int n, int round) throws Exception {
        String topic = "bench.index." + RUN + "." + round + "." + Character.toLowerCase(side.name().charAt(0));
        createTopic(side, topic);
        produce(side, topic, n);
        String group = "bench-" + topic;
        String tag = (RUN + round + side.name().charAt(0)).toLowerCase(Locale.ROOT);
        List<String> args = new ArrayList<>(List.of("index", "--bootstrap-servers", side.bootstrap(), "--topic", topic,
                "--dlq-topic", topic + ".dlq", "--group-id", group, "--index-pattern",
                "fabstir-logs-tls" + tag + "-{yyyy.MM.dd}", "--dlq-index-pattern",
                "fabstir-logs-dlq-tls" + tag + "-{yyyy.MM.dd}", "--install-templates", "false", "--replicas", "0"));
        args.addAll(side.indexFlags());
        Process p = launch(args, dir.resolve(topic + ".log"));
        try (Admin admin = Admin.create(side.harness())) {
            double[] m = measure(p, n, () -> committed(admin, group, topic));
            return row(round, "index", side, n, m);
        } finally {
            p.destroy();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    interface Progress {
        long now() throws Exception;
    }

    /** {seconds, cpu seconds} between the first record and the n-th. */
    private static double[] measure(Process p, int n, Progress progress) throws Exception {
        double t0 = 0;
        double cpu0 = 0;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("exited with " + p.exitValue());
            }
            long done = progress.now();
            double now = System.nanoTime() / 1e9;
            if (t0 == 0 && done > 0) {
                t0 = now;
                cpu0 = ProcStat.cpuSeconds(p.pid());
            }
            if (done >= n) {
                return new double[] {now - t0, ProcStat.cpuSeconds(p.pid()) - cpu0};
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("not done in 10 minutes");
    }

    private static String row(int round, String part, Side side, int n, double[] m) {
        String row = String.format(Locale.ROOT, "| %d | %s | %s | %,d | %,.0f | %.2f | %.1f |", round, part,
                side.name(), n, n / m[0], m[1] / m[0], m[1] * 1e6 / n);
        System.out.println(row);
        return row;
    }

    private static Process launch(List<String> args, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.fabstir.shipper.cli.FabstirShipper"));
        cmd.addAll(args);
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void createTopic(Side side, String topic) throws Exception {
        try (Admin admin = Admin.create(side.harness())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1), new NewTopic(topic + ".dlq", 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static long endOffset(Admin admin, String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS).get(tp).offset();
    }

    private static long committed(Admin admin, String group, String topic) throws Exception {
        OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS).get(new TopicPartition(topic, 0));
        return o == null ? 0 : o.offset();
    }

    private static void produce(Side side, String topic, int n) throws Exception {
        Map<String, Object> p = new HashMap<>(side.harness());
        p.put("acks", "all");
        p.put("compression.type", "lz4");
        p.put("linger.ms", "20");
        p.put("batch.size", "262144");
        Instant now = Instant.now();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(p,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, SampleRecords.nodeOf(i),
                        SampleRecords.record(topic, i, now.minusMillis(n - i))));
            }
            producer.flush();
        }
    }

    private static void writeLines(Path file, int n) throws Exception {
        Instant now = Instant.now();
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < n; i++) {
                w.write(SampleRecords.record("tail", i, now.minusMillis(n - i)));
                w.write('\n');
            }
        }
    }
}
