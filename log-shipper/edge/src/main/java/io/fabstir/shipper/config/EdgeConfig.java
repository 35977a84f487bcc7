package io.fabstir.shipper.config;

import io.fabstir.shipper.security.ConfigSource;
import io.fabstir.shipper.security.KafkaClientSecurity;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Settings of {@code fabstir-shipper tail}, validated. Built from YAML + {@code FABSTIR_*} environment + flags with
 * {@link #load}, or in code with {@link #builder}.
 */
public final class EdgeConfig {

    /** Scalar/list keys of the edge YAML, with their meaning (shown by {@code --help} and in errors). */
    public static final Map<String, String> KEYS = keys();
    /** Map-valued keys: free-form names below them. */
    public static final Set<String> MAP_KEYS = Set.of("kafka.producer", "static_fields", "enrichers.*");

    public enum ReadFrom { BEGINNING, END }

    private final String nodeId;
    private final String hostName;
    private final String environment;
    private final List<String> paths;
    private final Path checkpointFile;
    private final String bootstrapServers;
    private final String topic;
    private final Map<String, String> producer;
    private final KafkaClientSecurity kafkaSecurity;
    private final ReadFrom readFrom;
    private final int maxLineBytes;
    private final int maxRecordBytes;
    private final long maxInflightBytes;
    private final Duration scanInterval;
    private final Duration pollInterval;
    private final Duration checkpointInterval;
    private final Duration rotateGrace;
    private final Duration shutdownTimeout;
    private final Pattern multilinePattern;
    private final int multilineMaxLines;
    private final Duration multilineTimeout;
    private final Map<String, String> staticFields;
    private final boolean redaction;
    private final List<String> redactKeys;
    private final List<String> redactPatterns;
    private final int metricsPort;
    private final Map<String, Map<String, String>> enrichers;

    private EdgeConfig(Builder b) {
        nodeId = b.nodeId;
        hostName = b.hostName;
        environment = b.environment;
        paths = List.copyOf(b.paths);
        checkpointFile = b.checkpointFile;
        bootstrapServers = b.bootstrapServers;
        topic = b.topic;
        producer = Map.copyOf(b.producer);
        kafkaSecurity = b.kafkaSecurity;
        readFrom = b.readFrom;
        maxLineBytes = b.maxLineBytes;
        maxRecordBytes = b.maxRecordBytes;
        maxInflightBytes = b.maxInflightBytes;
        scanInterval = b.scanInterval;
        pollInterval = b.pollInterval;
        checkpointInterval = b.checkpointInterval;
        rotateGrace = b.rotateGrace;
        shutdownTimeout = b.shutdownTimeout;
        multilinePattern = b.multilinePattern;
        multilineMaxLines = b.multilineMaxLines;
        multilineTimeout = b.multilineTimeout;
        staticFields = new LinkedHashMap<>(b.staticFields);
        redaction = b.redaction;
        redactKeys = List.copyOf(b.redactKeys);
        redactPatterns = List.copyOf(b.redactPatterns);
        metricsPort = b.metricsPort;
        enrichers = Map.copyOf(b.enrichers);
    }

    private static Map<String, String> keys() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("node_id", "this node's id: fabstir.node_id of every record and the Kafka key (required)");
        k.put("host_name", "host.name of every record (default: this machine's hostname)");
        k.put("environment", "deployment.environment of every record (default: none)");
        k.put("paths", "glob patterns of the JSON log files, e.g. /var/log/fabstir/*.json (required)");
        k.put("checkpoint_file", "where read positions are kept (default: ./fabstir-shipper-checkpoint.json)");
        k.put("kafka.bootstrap_servers", "Kafka bootstrap servers host:port[,host:port] (required)");
        k.put("kafka.topic", "topic the records go to (default: fabstir.logs)");
        KafkaClientSecurity.KEYS.forEach(k::put);
        k.put("read_from", "beginning|end: where to start in files found at the very first start (default: beginning)");
        k.put("max_line_bytes", "longer lines are truncated to this many bytes and marked (default: 262144)");
        k.put("max_record_bytes", "largest Kafka value; bigger records are cut down (default: 1000000)");
        k.put("max_inflight_bytes", "stop reading while this many bytes await Kafka's ack (default: 16777216)");
        k.put("scan_interval_ms", "how often the globs are re-scanned for new/rotated files (default: 1000)");
        k.put("poll_interval_ms", "wait between reads when no file has new data (default: 100)");
        k.put("checkpoint_interval_ms", "how often acknowledged positions are written (default: 1000)");
        k.put("rotate_grace_ms", "how long a rotated or deleted file must stay idle before it is released (default: 2000)");
        k.put("shutdown_timeout_ms", "on SIGTERM, how long to wait for Kafka to ack what was sent (default: 10000)");
        k.put("multiline.pattern", "regex matching continuation lines joined to the previous line, e.g. '^\\s' (default: off)");
        k.put("multiline.max_lines", "most lines joined into one record (default: 500)");
        k.put("multiline.timeout_ms", "a pending joined record is sent after this much quiet (default: 1000)");
        k.put("redaction.enabled", "mask secrets (sensitive keys at any depth, secrets in text) (default: true)");
        k.put("redaction.keys", "extra sensitive key names");
        k.put("redaction.patterns", "extra regexes masked in every string value");
        k.put("metrics_port", "port of the Prometheus /metrics endpoint; 0 = off (default: 0)");
        return java.util.Collections.unmodifiableMap(k);
    }

    /** Reads YAML (may be null), environment and flags, and validates. */
    public static EdgeConfig load(Path yaml, Map<String, String> env, Map<String, Object> flags) {
        Settings s = Settings.load(yaml, KEYS.keySet(), MAP_KEYS, env, flags);
        Builder b = builder();
        b.nodeId(s.required("node_id", "set node_id in the YAML or pass --node-id"));
        b.hostName(s.string("host_name", null));
        b.environment(s.string("environment", null));
        List<String> paths = s.list("paths");
        if (paths.isEmpty()) {
            throw new ConfigException("paths", "is required: list glob patterns under paths: in the YAML, "
                    + "pass --path, or set FABSTIR_PATHS=/var/log/fabstir/*.json");
        }
        b.paths(paths);
        b.checkpointFile(Path.of(s.string("checkpoint_file", "fabstir-shipper-checkpoint.json")));
        b.bootstrapServers(s.required("kafka.bootstrap_servers",
                "set kafka: {bootstrap_servers: host:9092} in the YAML or pass --bootstrap-servers"));
        b.topic(s.string("kafka.topic", "fabstir.logs"));
        b.producer(s.map("kafka.producer"));
        KafkaClientSecurity security = KafkaClientSecurity.read(ConfigSource.of(s, env));
        security.checkPassThrough("kafka.producer", s.map("kafka.producer"), commandLineMap(flags.get("kafka.producer")));
        b.kafkaSecurity(security);
        String rf = s.string("read_from", "beginning");
        try {
            b.readFrom(ReadFrom.valueOf(rf.trim().toUpperCase()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("read_from", "'" + rf + "' must be beginning or end (from " + s.origin("read_from") + ")");
        }
        b.maxLineBytes((int) s.number("max_line_bytes", 262_144, 1024, 64L << 20));
        b.maxRecordBytes((int) s.number("max_record_bytes", 1_000_000, 4096, 64L << 20));
        b.maxInflightBytes(s.number("max_inflight_bytes", 16L << 20, 1 << 16, 4L << 30));
        b.scanInterval(Duration.ofMillis(s.number("scan_interval_ms", 1000, 10, 3_600_000)));
        b.pollInterval(Duration.ofMillis(s.number("poll_interval_ms", 100, 1, 60_000)));
        b.checkpointInterval(Duration.ofMillis(s.number("checkpoint_interval_ms", 1000, 10, 3_600_000)));
        b.rotateGrace(Duration.ofMillis(s.number("rotate_grace_ms", 2000, 0, 3_600_000)));
        b.shutdownTimeout(Duration.ofMillis(s.number("shutdown_timeout_ms", 10_000, 0, 3_600_000)));
        String ml = s.string("multiline.pattern", null);
        if (ml != null && !ml.isEmpty()) {
            try {
                b.multilinePattern(Pattern.compile(ml));
            } catch (PatternSyntaxException e) {
                throw new ConfigException("multiline.pattern", "not a valid regex: " + e.getDescription()
                        + " (from " + s.origin("multiline.pattern") + ")");
            }
        }
        b.multilineMaxLines((int) s.number("multiline.max_lines", 500, 2, 100_000));
        b.multilineTimeout(Duration.ofMillis(s.number("multiline.timeout_ms", 1000, 1, 3_600_000)));
        b.staticFields(s.map("static_fields"));
        b.redaction(s.bool("redaction.enabled", true));
        b.redactKeys(s.list("redaction.keys"));
        List<String> patterns = s.list("redaction.patterns");
        for (String p : patterns) {
            try {
                Pattern.compile(p);
            } catch (PatternSyntaxException e) {
                throw new ConfigException("redaction.patterns", "'" + p + "' is not a valid regex: " + e.getDescription());
            }
        }
        b.redactPatterns(patterns);
        b.metricsPort((int) s.number("metrics_port", 0, 0, 65_535));
        Map<String, Map<String, String>> enr = new LinkedHashMap<>();
        s.values().keySet().stream().filter(k -> k.startsWith("enrichers.")).forEach(k ->
                enr.put(k.substring("enrichers.".length()), s.map(k)));
        b.enrichers(enr);
        if (b.maxLineBytes + 4096 > b.maxRecordBytes) {
            throw new ConfigException("max_line_bytes", b.maxLineBytes + " leaves no room for the record's other "
                    + "fields under max_record_bytes " + b.maxRecordBytes + "; lower it or raise max_record_bytes");
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> commandLineMap(Object flag) {
        return flag instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
    }

    public String nodeId() { return nodeId; }
    public String hostName() { return hostName; }
    public String environment() { return environment; }
    public List<String> paths() { return paths; }
    public Path checkpointFile() { return checkpointFile; }
    public String bootstrapServers() { return bootstrapServers; }
    public String topic() { return topic; }
    public Map<String, String> producer() { return producer; }
    /** How the edge authenticates to Kafka ({@code kafka.security.*}). */
    public KafkaClientSecurity kafkaSecurity() { return kafkaSecurity; }
    /** The producer properties beyond the defaults: the security settings', then {@code kafka.producer} over them. */
    public Map<String, String> producerProperties() {
        Map<String, String> p = new LinkedHashMap<>(kafkaSecurity.clientProperties());
        p.putAll(producer);
        return p;
    }
    public ReadFrom readFrom() { return readFrom; }
    public int maxLineBytes() { return maxLineBytes; }
    public int maxRecordBytes() { return maxRecordBytes; }
    public long maxInflightBytes() { return maxInflightBytes; }
    public Duration scanInterval() { return scanInterval; }
    public Duration pollInterval() { return pollInterval; }
    public Duration checkpointInterval() { return checkpointInterval; }
    public Duration rotateGrace() { return rotateGrace; }
    public Duration shutdownTimeout() { return shutdownTimeout; }
    public Pattern multilinePattern() { return multilinePattern; }
    public int multilineMaxLines() { return multilineMaxLines; }
    public Duration multilineTimeout() { return multilineTimeout; }
    public Map<String, String> staticFields() { return staticFields; }
    public boolean redaction() { return redaction; }
    public List<String> redactKeys() { return redactKeys; }
    public List<String> redactPatterns() { return redactPatterns; }
    public int metricsPort() { return metricsPort; }
    public Map<String, Map<String, String>> enrichers() { return enrichers; }

    public static final class Builder {
        private String nodeId;
        private String hostName;
        private String environment;
        private List<String> paths = new ArrayList<>();
        private Path checkpointFile = Path.of("fabstir-shipper-checkpoint.json");
        private String bootstrapServers;
        private String topic = "fabstir.logs";
        private Map<String, String> producer = new LinkedHashMap<>();
        private KafkaClientSecurity kafkaSecurity = KafkaClientSecurity.none();
        private ReadFrom readFrom = ReadFrom.BEGINNING;
        private int maxLineBytes = 262_144;
        private int maxRecordBytes = 1_000_000;
        private long maxInflightBytes = 16L << 20;
        private Duration scanInterval = Duration.ofSeconds(1);
        private Duration pollInterval = Duration.ofMillis(100);
        private Duration checkpointInterval = Duration.ofSeconds(1);
        private Duration rotateGrace = Duration.ofSeconds(2);
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private Pattern multilinePattern;
        private int multilineMaxLines = 500;
        private Duration multilineTimeout = Duration.ofSeconds(1);
        private Map<String, String> staticFields = new LinkedHashMap<>();
        private boolean redaction = true;
        private List<String> redactKeys = new ArrayList<>();
        private List<String> redactPatterns = new ArrayList<>();
        private int metricsPort;
        private Map<String, Map<String, String>> enrichers = new LinkedHashMap<>();

        private Builder() {
        }

        public Builder nodeId(String v) { nodeId = v; return this; }
        public Builder hostName(String v) { hostName = v; return this; }
        public Builder environment(String v) { environment = v; return this; }
        public Builder paths(List<String> v) { paths = new ArrayList<>(v); return this; }
        public Builder path(String v) { paths.add(v); return this; }
        public Builder checkpointFile(Path v) { checkpointFile = v; return this; }
        public Builder bootstrapServers(String v) { bootstrapServers = v; return this; }
        public Builder topic(String v) { topic = v; return this; }
        public Builder producer(Map<String, String> v) { producer = new LinkedHashMap<>(v); return this; }
        public Builder producerProperty(String k, String v) { producer.put(k, v); return this; }
        public Builder kafkaSecurity(KafkaClientSecurity v) { kafkaSecurity = Objects.requireNonNull(v); return this; }
        public Builder readFrom(ReadFrom v) { readFrom = v; return this; }
        public Builder maxLineBytes(int v) { maxLineBytes = v; return this; }
        public Builder maxRecordBytes(int v) { maxRecordBytes = v; return this; }
        public Builder maxInflightBytes(long v) { maxInflightBytes = v; return this; }
        public Builder scanInterval(Duration v) { scanInterval = v; return this; }
        public Builder pollInterval(Duration v) { pollInterval = v; return this; }
        public Builder checkpointInterval(Duration v) { checkpointInterval = v; return this; }
        public Builder rotateGrace(Duration v) { rotateGrace = v; return this; }
        public Builder shutdownTimeout(Duration v) { shutdownTimeout = v; return this; }
        public Builder multilinePattern(Pattern v) { multilinePattern = v; return this; }
        public Builder multilineMaxLines(int v) { multilineMaxLines = v; return this; }
        public Builder multilineTimeout(Duration v) { multilineTimeout = v; return this; }
        public Builder staticFields(Map<String, String> v) { staticFields = new LinkedHashMap<>(v); return this; }
        public Builder redaction(boolean v) { redaction = v; return this; }
        public Builder redactKeys(List<String> v) { redactKeys = new ArrayList<>(v); return this; }
        public Builder redactPatterns(List<String> v) { redactPatterns = new ArrayList<>(v); return this; }
        public Builder metricsPort(int v) { metricsPort = v; return this; }
        public Builder enrichers(Map<String, Map<String, String>> v) { enrichers = new LinkedHashMap<>(v); return this; }

        public EdgeConfig build() {
            if (nodeId == null || nodeId.isBlank()) {
                throw new ConfigException("node_id", "is required");
            }
            if (paths.isEmpty()) {
                throw new ConfigException("paths", "is required");
            }
            Objects.requireNonNull(bootstrapServers, "bootstrapServers");
            if (hostName == null || hostName.isBlank()) {
                hostName = localHostName();
            }
            requireCodec(producer, EdgeConfig.class.getClassLoader());
            return new EdgeConfig(this);
        }
    }

    /** Compression types whose codec has native libraries the edge jar leaves out, with the class that brings them. */
    private static final Map<String, String> CODECS_LEFT_OUT = Map.of(
            "zstd", "com.github.luben.zstd.Zstd", "snappy", "org.xerial.snappy.Snappy");

    /**
     * The edge jar carries lz4 (the default) and gzip only; a producer set to zstd or snappy without its codec on the
     * class path would fail on its first batch, so it fails here, at start, naming the key.
     */
    static void requireCodec(Map<String, String> producer, ClassLoader loader) {
        String type = producer.getOrDefault("compression.type", "").trim().toLowerCase(java.util.Locale.ROOT);
        String codec = CODECS_LEFT_OUT.get(type);
        if (codec == null) {
            return;
        }
        try {
            Class.forName(codec, false, loader);
        } catch (ClassNotFoundException e) {
            throw new ConfigException("kafka.producer", "compression.type=" + type + " needs " + codec
                    + ", which fabstir-shipper-edge.jar leaves out: use lz4 (the default) or gzip, or put the codec's"
                    + " jar on the class path (java -cp fabstir-shipper-edge.jar:<codec>.jar "
                    + "io.fabstir.shipper.cli.FabstirShipper tail ...)");
        }
    }

    static String localHostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }

    /** Keys in YAML order of {@link #KEYS} plus map keys, for help text. */
    public static Set<String> allKeys() {
        Set<String> all = new LinkedHashSet<>(KEYS.keySet());
        all.addAll(MAP_KEYS);
        return all;
    }
}
