package io.fabstir.localservices;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka broker and one Elasticsearch node per JVM, started on first use and stopped by a shutdown hook.
 * {@code FABSTIR_KAFKA_BOOTSTRAP} / {@code FABSTIR_ES_URL} (environment or system property) point at existing
 * services instead.
 */
public final class SharedServices {
    private static final Logger log = LoggerFactory.getLogger(SharedServices.class);
    private static LocalKafka kafka;
    private static LocalElasticsearch elasticsearch;
    private static Path root;
    private static boolean hooked;

    private SharedServices() {}

    public static synchronized LocalKafka kafka() {
        if (kafka == null) {
            String external = setting("FABSTIR_KAFKA_BOOTSTRAP");
            if (external != null) {
                log.info("Kafka: using existing cluster at {}", external);
                kafka = LocalKafka.external(external);
            } else {
                kafka = LocalKafka.builder().dir(root().resolve("kafka"))
                        .partitions(Integer.getInteger("fabstir.kafka.partitions", 1)).start();
            }
        }
        return kafka;
    }

    public static synchronized LocalElasticsearch elasticsearch() {
        if (elasticsearch == null) {
            String external = setting("FABSTIR_ES_URL");
            if (external != null) {
                log.info("Elasticsearch: using existing cluster at {}", external);
                elasticsearch = LocalElasticsearch.external(external);
            } else {
                elasticsearch = LocalElasticsearch.start(root().resolve("elasticsearch"));
            }
        }
        return elasticsearch;
    }

    public static String kafkaBootstrap() {
        return kafka().bootstrapServers();
    }

    public static String elasticsearchUrl() {
        return elasticsearch().url();
    }

    static String setting(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) v = System.getenv(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static Path root() {
        if (root == null) {
            try {
                root = Files.createTempDirectory("fabstir-services-");
            } catch (IOException e) {
                throw new IllegalStateException("cannot create a temp dir for local services", e);
            }
        }
        if (!hooked) {
            hooked = true;
            Runtime.getRuntime().addShutdownHook(new Thread(SharedServices::stopAll, "shared-services-stop"));
        }
        return root;
    }

    private static void stopAll() {
        LocalKafka k;
        LocalElasticsearch e;
        Path r;
        synchronized (SharedServices.class) {
            k = kafka;
            e = elasticsearch;
            r = root;
        }
        if (k != null) k.close();
        if (e != null) e.close();
        if (r != null) Dirs.deleteRecursively(r);
    }
}
