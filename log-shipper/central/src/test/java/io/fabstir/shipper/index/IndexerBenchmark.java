package io.fabstir.shipper.index;

import co.elastic.clients.elasticsearch._helpers.bulk.BulkIngester;
import co.elastic.clients.elasticsearch._helpers.bulk.BulkListener;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import co.elastic.clients.util.BinaryData;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.normalize.Normalized;
import io.fabstir.shipper.normalize.RecordNormalizer;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchSink;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.fabstir.templates.TemplateInstaller;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Throughput harness (not a test): docs/s from Kafka into Elasticsearch through {@link IndexLoop}, next to the
 * ceiling, the same final documents bulk-loaded straight into the same cluster by the client's BulkIngester with
 * the same bulk settings and no Kafka. Phases alternate (ceiling, pipeline, ceiling, pipeline) on fresh indices.
 *
 * <pre>
 * mvn -B -ntp -Dbuild.out=target-index -pl log-shipper/central -am test-compile
 * java -Xmx1g -cp "$(cat log-shipper/central/target-index/bench.cp)" io.fabstir.shipper.index.IndexerBenchmark 200000
 * </pre>
 */
public final class IndexerBenchmark {
    private static final int MAX_OPS = 2000;
    private static final long MAX_BYTES = 5L << 20;
    private static final int CONCURRENCY = 2;

    private IndexerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        var kafka = SharedServices.kafka();
        var es = SharedServices.elasticsearch();
        System.out.printf("Elasticsearch %s at %s, Kafka %s%n", es.version(), es.url(), kafka.bootstrapServers());
        try (EsConnection conn = EsConnection.builder().host(es.url()).build()) {
            TemplateInstaller.builder().client(conn.client()).replicas(0).build().install();
            List<String> results = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                String run = "bench" + round + "-" + System.nanoTime() % 100000;
                List<String> records = new ArrayList<>(n);
                Instant now = Instant.now();
                long bytes = 0;
                for (int i = 0; i < n; i++) {
                    String r = SampleRecords.record(run, i, now.minusMillis(n - i));
                    bytes += r.length();
                    records.add(r);
                }
                String topic = "bench." + run;
                kafka.createTopic(topic, 3);
                produce(kafka.bootstrapServers(), topic, records);
                System.out.printf("round %d: %d records, avg %d bytes%n", round, n, bytes / n);
                // The ceiling's input is built here, outside its clock; nothing else is kept alive across phases,
                // so neither phase pays for the other's garbage.
                List<Normalized.Document> docs = finalDocuments(records);
                records = null;
                Phase ceiling = () -> ceiling(conn, run, docs);
                Phase pipeline = () -> pipeline(kafka.bootstrapServers(), conn, topic, run, n);
                if (round % 2 == 1) {
                    results.add(phase("ceiling  ", n, ceiling));
                    docs.clear();
                    results.add(phase("pipeline ", n, pipeline));
                } else {
                    results.add(phase("pipeline ", n, pipeline));
                    results.add(phase("ceiling  ", n, ceiling));
                    docs.clear();
                }
            }
            String table = String.join("\n", results);
            System.out.println(table);
            Path out = Path.of(System.getProperty("bench.out", "target-index/indexer-bench.txt"));
            Files.createDirectories(out.toAbsolutePath().getParent());
            Files.writeString(out, table + "\n", StandardCharsets.UTF_8);
        }
        System.exit(0);
    }

    interface Phase {
        void run() throws Exception;
    }

    private static String phase(String name, int n, Phase phase) throws Exception {
        System.gc();
        MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long[] sys0 = systemCpu();
        long cpu0 = os.getProcessCpuTime();
        AtomicLong peakHeap = new AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peakHeap.accumulateAndGet(mem.getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        long t0 = System.nanoTime();
        phase.run();
        double secs = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        long cpu = os.getProcessCpuTime() - cpu0;
        long[] sys1 = systemCpu();
        double busy = (sys1[0] - sys0[0]) * 100.0 / Math.max(1, sys1[1] - sys0[1]);
        String line = String.format(Locale.ROOT,
                "%s %8d docs %7.2f s %9.0f docs/s | harness JVM CPU %6.1f s | machine CPU busy %5.1f %% | "
                        + "peak heap %4d MiB", name, n, secs, n / secs, cpu / 1e9, busy, peakHeap.get() >> 20);
        System.out.println(line);
        return line;
    }

    /** {busy jiffies, total jiffies} from /proc/stat, or zeros where there is none. */
    private static long[] systemCpu() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[] {total - idle, total};
        } catch (Exception e) {
            return new long[] {0, 0};
        }
    }

    private static void produce(String bootstrap, String topic, List<String> records) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"); // the edge shipper's default
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "262144");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < records.size(); i++) {
                producer.send(new ProducerRecord<>(topic, SampleRecords.nodeOf(i), records.get(i)));
            }
            producer.flush();
        }
    }

    /** The documents exactly as the pipeline writes them (normalised), prepared before the clock starts. */
    private static List<Normalized.Document> finalDocuments(List<String> records) {
        RecordNormalizer normalizer = RecordNormalizer.defaults();
        List<Normalized.Document> docs = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            docs.add((Normalized.Document) normalizer.normalize(records.get(i).getBytes(StandardCharsets.UTF_8),
                    "bench", 0, i));
        }
        return docs;
    }

    /** The same final documents straight into Elasticsearch: the ceiling. */
    private static void ceiling(EsConnection conn, String run, List<Normalized.Document> docs) throws Exception {
        var names = io.fabstir.shipper.sink.elasticsearch.IndexNames.of("fabstir-logs-ceil" + run + "-{yyyy.MM.dd}");
        CountDownLatch done = new CountDownLatch(docs.size());
        AtomicLong failed = new AtomicLong();
        BulkIngester<Void> ingester = BulkIngester.of(b -> b.client(conn.client()).maxOperations(MAX_OPS)
                .maxSize(MAX_BYTES).maxConcurrentRequests(CONCURRENCY).flushInterval(200, TimeUnit.MILLISECONDS)
                .listener(new BulkListener<Void>() {
                    @Override
                    public void beforeBulk(long id, BulkRequest request, List<Void> contexts) {
                    }

                    @Override
                    public void afterBulk(long id, BulkRequest request, List<Void> contexts, BulkResponse response) {
                        for (BulkResponseItem item : response.items()) {
                            if (item.status() >= 300 && item.status() != 409) {
                                failed.incrementAndGet();
                            }
                            done.countDown();
                        }
                    }

                    @Override
                    public void afterBulk(long id, BulkRequest request, List<Void> contexts, Throwable failure) {
                        failed.addAndGet(contexts.size());
                        contexts.forEach(c -> done.countDown());
                    }
                }));
        for (Normalized.Document d : docs) {
            ingester.add(op -> op.create(c -> c.index(names.name(d.timestamp())).id(d.id())
                    .document(BinaryData.of(d.source(), "application/json"))));
        }
        ingester.flush();
        done.await();
        ingester.close();
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " documents failed in the ceiling run");
        }
    }

    private static void pipeline(String bootstrap, EsConnection conn, String topic, String run, int n)
            throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        IndexLoop loop = IndexLoop.builder().bootstrapServers(bootstrap).topic(topic).dlqTopic(topic + ".dlq")
                .groupId("bench-" + run).registry(registry)
                .sink(ElasticsearchSink.builder().client(conn.client()).maxOperations(MAX_OPS).maxBytes(MAX_BYTES)
                        .indexPattern("fabstir-logs-pipe" + run + "-{yyyy.MM.dd}")
                        .dlqPattern("fabstir-logs-dlq-pipe" + run + "-{yyyy.MM.dd}").registry(registry)
                        .maxConcurrentRequests(CONCURRENCY).flushInterval(Duration.ofMillis(200)).build())
                .build();
        Thread t = new Thread(loop, "bench-loop");
        long t0 = System.nanoTime();
        t.start();
        long deadline = t0 + TimeUnit.MINUTES.toNanos(10);
        long first = 0;
        while (indexed(registry) < n) {
            if (first == 0 && indexed(registry) > 0) {
                first = System.nanoTime();
                System.out.printf(Locale.ROOT, "  pipeline: first document stored %.2f s after start (group join, first"
                        + " fetch, first bulk)%n", (first - t0) / 1e9);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("pipeline did not finish: " + indexed(registry) + " of " + n);
            }
            Thread.sleep(20);
        }
        loop.close();
    }

    private static double indexed(PrometheusRegistry registry) {
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof CounterSnapshot c && s.getMetadata().getName().equals("fabstir_indexer_records_indexed")) {
                return c.getDataPoints().stream().mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
            }
        }
        return 0;
    }
}
