package io.fabstir.shipper.cli;

import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.sink.elasticsearch.ElasticsearchChecks;
import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.security.ElasticsearchAccess;
import io.fabstir.shipper.sink.elasticsearch.AccessCheck;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.fabstir.templates.TemplateInstaller;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Options shared by the commands that talk to Elasticsearch: config file and connection. */
abstract class ElasticsearchCommand {
    static final Set<String> ES_KEYS = Set.of(
            "elasticsearch.hosts", "elasticsearch.ca_file", "elasticsearch.api_key_file", "elasticsearch.username",
            "elasticsearch.password_file", "elasticsearch.request_timeout", "elasticsearch.compression",
            "elasticsearch.index_pattern", "elasticsearch.dlq_index_pattern", "elasticsearch.shards",
            "elasticsearch.replicas", "elasticsearch.retention", "elasticsearch.ilm", ElasticsearchAccess.ALLOW_PLAINTEXT);

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "YAML settings (flags and FABSTIR_* env win)")
    Path config;

    @Option(names = "--es-hosts", paramLabel = "URL[,URL…]",
            description = "Elasticsearch URLs, e.g. https://es1:9200,https://es2:9200 (env FABSTIR_ELASTICSEARCH_HOSTS)")
    String esHosts;

    @Option(names = "--es-ca-file", paramLabel = "PEM", description = "CA certificate(s) for HTTPS")
    Path esCaFile;

    @Option(names = "--es-api-key-file", paramLabel = "FILE",
            description = "file holding the encoded API key (or env FABSTIR_ELASTICSEARCH_API_KEY)")
    Path esApiKeyFile;

    @Option(names = "--es-username", description = "basic-auth user (password from --es-password-file or "
            + "env FABSTIR_ELASTICSEARCH_PASSWORD)")
    String esUsername;

    @Option(names = "--es-password-file", paramLabel = "FILE")
    Path esPasswordFile;

    @Option(names = "--es-request-timeout", paramLabel = "DURATION", description = "default 30s")
    String esRequestTimeout;

    @Option(names = "--es-compression", arity = "1", paramLabel = "BOOL", description = "gzip request bodies (default true)")
    Boolean esCompression;

    @Option(names = "--index-pattern", description = "daily index pattern (default fabstir-logs-{yyyy.MM.dd})")
    String indexPattern;

    @Option(names = "--dlq-index-pattern", description = "daily DLQ index pattern (default fabstir-logs-dlq-{yyyy.MM.dd})")
    String dlqIndexPattern;

    /** Keys this command accepts, beyond the connection ones. */
    abstract Set<String> extraKeys();

    /** Lets a subclass add its own flags. */
    void flags(CentralSettings s) {
    }

    CentralSettings settings(Map<String, String> env) {
        Set<String> known = new TreeSet<>(ES_KEYS);
        known.addAll(extraKeys());
        CentralSettings s = new CentralSettings(spec, known).yaml(config).env(env);
        aliases(s, env);
        s.flag("elasticsearch.hosts", esHosts)
                .flag("elasticsearch.ca_file", esCaFile)
                .flag("elasticsearch.api_key_file", esApiKeyFile)
                .flag("elasticsearch.username", esUsername)
                .flag("elasticsearch.password_file", esPasswordFile)
                .flag("elasticsearch.request_timeout", esRequestTimeout)
                .flag("elasticsearch.compression", esCompression)
                .flag("elasticsearch.index_pattern", indexPattern)
                .flag("elasticsearch.dlq_index_pattern", dlqIndexPattern);
        flags(s);
        return s;
    }

    /** The local-services kit's variables, so a demo or test cluster is found without more flags. */
    private static void aliases(CentralSettings s, Map<String, String> env) {
        if (env.get(CentralSettings.envName("elasticsearch.hosts")) == null) {
            s.flag("elasticsearch.hosts", blankToNull(env.get("FABSTIR_ES_URL")));
        }
    }

    static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** Hosts, trust and credential ({@link ElasticsearchAccess}); a bad one fails naming its key. */
    ElasticsearchAccess access(CentralSettings s, Map<String, String> env) {
        try {
            return ElasticsearchAccess.read(s.source(env), "http://127.0.0.1:9200");
        } catch (ConfigException e) {
            throw s.fail(e);
        }
    }

    EsConnection connect(CentralSettings s, ElasticsearchAccess access) {
        return EsConnection.builder().access(access)
                .requestTimeout(s.duration("elasticsearch.request_timeout", java.time.Duration.ofSeconds(30)))
                .compression(s.bool("elasticsearch.compression", true))
                .build();
    }

    EsConnection connect(CentralSettings s, Map<String, String> env) {
        return connect(s, access(s, env));
    }

    /**
     * Checks at start that the cluster takes the credential and grants {@code cluster} and {@code needs}; a refusal
     * stops the command naming the setting to fix (see {@link AccessCheck}).
     */
    static void requireAccess(CentralSettings s, EsConnection es, ElasticsearchAccess access, List<String> cluster,
                              List<AccessCheck.Need> needs) {
        try {
            AccessCheck.verify(es, access, cluster, needs);
        } catch (ConfigException e) {
            throw s.fail(e);
        }
    }

    static TemplateInstaller installer(CentralSettings s, EsConnection es) {
        return TemplateInstaller.builder().client(es.client())
                .shards(s.integer("elasticsearch.shards", 1, 1))
                .replicas(s.integer("elasticsearch.replicas", 1, 0))
                .retention(s.duration("elasticsearch.retention", java.time.Duration.ofDays(30)))
                .ilm(s.bool("elasticsearch.ilm", true))
                .build();
    }

    /** What a command's check does once connected: more checks with the settings, the checks and the client. */
    @FunctionalInterface
    interface ConnectedChecks {
        void run(CentralSettings s, ElasticsearchChecks checks, EsConnection es);
    }

    /**
     * The shared part of {@code check} for the Elasticsearch commands: the settings ({@code describe} reads the
     * command's own and says what they amount to), the connection and the credential, then {@code more}.
     */
    void checkWith(CheckReport report, java.util.function.Function<CentralSettings, String> describe,
                   ConnectedChecks more) {
        Map<String, String> env = System.getenv();
        CentralSettings s;
        ElasticsearchAccess access;
        String what;
        try {
            s = settings(env);
            access = access(s, env);
            what = describe.apply(s);
        } catch (picocli.CommandLine.ParameterException e) {
            IndexCheck.configFailed(report, e.getMessage());
            return;
        } catch (IllegalArgumentException e) {
            report.failed("config", e.getMessage(), null, null);
            return;
        }
        report.ok("config", (config == null ? "flags and environment" : config.toString()) + ": " + what);
        try (EsConnection es = connect(s, access)) {
            ElasticsearchChecks checks = new ElasticsearchChecks(es, access);
            checks.connect(report);
            more.run(s, checks, es);
        } catch (java.io.IOException e) {
            // closing the client
        }
    }
}
