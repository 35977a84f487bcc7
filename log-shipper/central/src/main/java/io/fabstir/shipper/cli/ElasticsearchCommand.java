package io.fabstir.shipper.cli;

import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import io.fabstir.templates.TemplateInstaller;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Options shared by the commands that talk to Elasticsearch: config file and connection. */
abstract class ElasticsearchCommand {
    static final Set<String> ES_KEYS = Set.of(
            "elasticsearch.hosts", "elasticsearch.ca_file", "elasticsearch.api_key_file", "elasticsearch.username",
            "elasticsearch.password_file", "elasticsearch.request_timeout", "elasticsearch.compression",
            "elasticsearch.index_pattern", "elasticsearch.dlq_index_pattern", "elasticsearch.shards",
            "elasticsearch.replicas", "elasticsearch.retention", "elasticsearch.ilm");

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

    EsConnection connect(CentralSettings s, Map<String, String> env) {
        EsConnection.Builder b = EsConnection.builder()
                .host(s.string("elasticsearch.hosts", "http://127.0.0.1:9200"))
                .caFile(s.path("elasticsearch.ca_file"))
                .requestTimeout(s.duration("elasticsearch.request_timeout", java.time.Duration.ofSeconds(30)))
                .compression(s.bool("elasticsearch.compression", true));
        String apiKey = s.secret("elasticsearch.api_key", env);
        String user = s.string("elasticsearch.username", null);
        if (apiKey != null && user != null) {
            throw s.fail("invalid config elasticsearch.username: use either an API key or basic auth, not both");
        }
        if (apiKey != null) {
            b.apiKey(apiKey);
        }
        if (user != null) {
            String password = s.secret("elasticsearch.password", env);
            if (password == null) {
                throw s.fail("missing config elasticsearch.password_file (or FABSTIR_ELASTICSEARCH_PASSWORD) for user "
                        + user);
            }
            b.basicAuth(user, password);
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw s.fail("invalid config elasticsearch.hosts/ca_file: " + e.getMessage());
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
}
