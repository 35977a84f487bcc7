package io.fabstir.localservices;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabstir.localservices.tls.TestCa;

/**
 * One Kafka broker and one Elasticsearch node per JVM, started on first use and stopped by a shutdown hook.
 * {@code FABSTIR_KAFKA_BOOTSTRAP} / {@code FABSTIR_ES_URL} (environment or system property) point at existing
 * services instead. The secured variants ({@link #secureKafka()}, {@link #secureElasticsearch()}) are separate
 * services, always local, sharing one {@link #testCa()}.
 */
public final class SharedServices {
    private static final Logger log = LoggerFactory.getLogger(SharedServices.class);
    private static LocalKafka kafka;
    private static LocalElasticsearch elasticsearch;
    private static TestCa ca;
    private static LocalKafka secureKafka;
    private static LocalElasticsearch secureElasticsearch;
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

    /** The CA of the secured services; its files are under this JVM's services directory. */
    public static synchronized TestCa testCa() {
        if (ca == null) ca = TestCa.create(root().resolve("ca"));
        return ca;
    }

    /**
     * A secured single broker (in-process): SASL_SSL with SCRAM-SHA-512, mTLS, ACLs, only the admin user at first.
     * Tests add their own users, ACLs and quotas through {@link LocalKafka#security()}; use unique names.
     */
    public static synchronized LocalKafka secureKafka() {
        if (secureKafka == null) {
            secureKafka = LocalKafka.builder().dir(root().resolve("kafka-secure"))
                    .partitions(Integer.getInteger("fabstir.kafka.partitions", 1))
                    .security(KafkaSecurity.of(testCa())).start();
        }
        return secureKafka;
    }

    /**
     * A secured single Elasticsearch node: HTTPS with {@link #testCa()}, the {@code elastic} superuser, API keys.
     * Tests add roles, users and keys through {@link LocalElasticsearch#security()}; use unique names.
     */
    public static synchronized LocalElasticsearch secureElasticsearch() {
        if (secureElasticsearch == null) {
            secureElasticsearch = LocalElasticsearch.builder().dir(root().resolve("elasticsearch-secure"))
                    .security(ElasticsearchSecurity.of(testCa())).start();
        }
        return secureElasticsearch;
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
        List<AutoCloseable> services = new ArrayList<>();
        Path r;
        synchronized (SharedServices.class) {
            services.addAll(Arrays.asList(kafka, elasticsearch, secureKafka, secureElasticsearch));
            r = root;
        }
        for (AutoCloseable s : services) {
            if (s == null) continue;
            try {
                s.close();
            } catch (Exception e) {
                log.warn("stopping {}: {}", s, e.toString());
            }
        }
        if (r != null) Dirs.deleteRecursively(r);
    }
}
