package io.fabstir.shipper.demo;

import io.fabstir.localservices.LocalElasticsearch;
import io.fabstir.localservices.LocalKafka;
import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.sink.elasticsearch.EsConnection;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Everything the demo started, stopped in dependency order: producers of data before what they feed. */
final class DemoStack {
    private static final Logger log = LoggerFactory.getLogger(DemoStack.class);

    private final Console console;
    volatile NodeProcess node;
    volatile ChainDemo chain;
    final Pipeline pipeline = new Pipeline();
    volatile SearchableWatch watch;
    volatile EsConnection connection;
    volatile MetricsEndpoint metrics;
    volatile CompletableFuture<LocalElasticsearch> elasticsearch;
    volatile LocalKafka kafka;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** The run failed: its files are kept for a look. */
    volatile boolean failed;
    private boolean closed;

    DemoStack(Console console) {
        this.console = console;
    }

    /** True for the one caller that starts stopping everything. */
    boolean startClosing() {
        return closing.compareAndSet(false, true);
    }

    boolean closing() {
        return closing.get();
    }

    /** Ends the run early once a signal is stopping everything. */
    void checkRunning() {
        if (closing.get()) {
            throw new CancellationException("stopping");
        }
    }

    synchronized void close() {
        closing.set(true);
        if (closed) {
            return;
        }
        closed = true;
        quietly("node", node);
        quietly("chain", chain);
        quietly("pipeline", pipeline);
        quietly("watch", watch);
        quietly("elasticsearch client", connection);
        quietly("metrics", metrics);
        CompletableFuture<LocalElasticsearch> es = elasticsearch;
        if (es != null) {
            // A start still in progress is waited for, so its child process is stopped too.
            quietly("elasticsearch", es.handle((started, e) -> started).join());
        }
        quietly("kafka", kafka);
    }

    private void quietly(String what, AutoCloseable c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (Exception e) {
            log.warn("stopping {} failed: {}", what, e.toString());
            console.step("stopping %s failed: %s", what, e);
        }
    }
}
