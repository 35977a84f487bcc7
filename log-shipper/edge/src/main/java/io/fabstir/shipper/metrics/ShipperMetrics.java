package io.fabstir.shipper.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/** Metrics of {@code tail} (names agreed in TEAM.md). Created once per JVM through {@link #get()}. */
public final class ShipperMetrics {

    private static ShipperMetrics instance;

    private final Counter linesRead;
    private final Counter recordsSent;
    private final Counter bytesSent;
    private final Counter unparsed;
    private final Counter errors;
    private final Gauge fileLag;

    private ShipperMetrics(PrometheusRegistry r) {
        linesRead = Counter.builder().name("fabstir_shipper_lines_read_total")
                .help("Lines read from log files").register(r);
        recordsSent = Counter.builder().name("fabstir_shipper_records_sent_total")
                .help("Records acknowledged by Kafka").register(r);
        bytesSent = Counter.builder().name("fabstir_shipper_bytes_sent_total")
                .help("Record value bytes acknowledged by Kafka").register(r);
        unparsed = Counter.builder().name("fabstir_shipper_unparsed_total")
                .help("Lines shipped wrapped as fabstir.unparsed (not a JSON object, bad UTF-8, truncated...)")
                .register(r);
        errors = Counter.builder().name("fabstir_shipper_errors_total")
                .help("Errors by kind: read, send, checkpoint, truncated_file").labelNames("kind").register(r);
        fileLag = Gauge.builder().name("fabstir_shipper_file_lag_bytes")
                .help("Bytes of a file not yet acknowledged by Kafka").labelNames("file").register(r);
    }

    /** The instance registered in {@link MetricsEndpoint#registry()}. */
    public static synchronized ShipperMetrics get() {
        if (instance == null) {
            instance = new ShipperMetrics(MetricsEndpoint.registry());
        }
        return instance;
    }

    public void linesRead(long n) {
        linesRead.inc(n);
    }

    public void sent(long records, long bytes) {
        recordsSent.inc(records);
        bytesSent.inc(bytes);
    }

    public void unparsed() {
        unparsed.inc();
    }

    public void error(String kind) {
        errors.labelValues(kind).inc();
    }

    public void fileLag(String file, long bytes) {
        fileLag.labelValues(file).set(bytes);
    }

    public void forgetFile(String file) {
        fileLag.remove(file);
    }
}
