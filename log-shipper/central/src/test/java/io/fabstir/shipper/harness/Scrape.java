package io.fabstir.shipper.harness;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/** Reads a counter back from a registry, as a scrape of {@code /metrics} would show it. */
public final class Scrape {
    private Scrape() {
    }

    /** The sum of {@code name} (without {@code _total}) over the data points whose {@code label} is {@code value}. */
    public static double counter(PrometheusRegistry registry, String name, String label, String value) {
        double sum = 0;
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof CounterSnapshot c && c.getMetadata().getName().equals(name)) {
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    if (value.equals(p.getLabels().get(label))) {
                        sum += p.getValue();
                    }
                }
            }
        }
        return sum;
    }

    /** The indexer's counter {@code fabstir_indexer_<what>_total} of one sink. */
    public static long sink(PrometheusRegistry registry, String what, String sink) {
        return (long) counter(registry, "fabstir_indexer_" + what, "sink", sink);
    }
}
