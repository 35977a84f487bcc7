package io.fabstir.examples.node;

import io.fabstir.otel.events.PerfEvents;
import io.fabstir.otel.telemetry.FabstirTelemetry;

/** Simulated work: sleeping stands in for the GPU and the network. */
final class Work {
    private Work() {
    }

    /**
     * Times one step twice over, as a node would: a {@code fabstir.performance} record (the log side, searchable in
     * Kibana) and {@code fabstir_operation_duration_seconds} (the metric side, for Prometheus). A step that throws
     * is recorded as a failure by both and the exception goes on.
     */
    static void timed(FabstirTelemetry telemetry, PerfEvents perf, String operation, Runnable step) {
        perf.run(operation, () -> telemetry.operations().run(operation, step));
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
