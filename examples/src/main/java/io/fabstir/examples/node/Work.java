package io.fabstir.examples.node;

import io.fabstir.otel.events.PerfEvents;

/** Simulated work: sleeping stands in for the GPU and the network. */
final class Work {
    private Work() {
    }

    /**
     * Times one step as a node would: a {@code fabstir.performance} record (the log side, searchable in Kibana;
     * WARN when slow), which the installed telemetry also counts in {@code fabstir_operation_duration_seconds}
     * (the metric side, for Prometheus). A step that throws is recorded as a failure and the exception goes on.
     */
    static void timed(PerfEvents perf, String operation, Runnable step) {
        perf.run(operation, step);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
