package io.fabstir.shipper.harness;

import io.fabstir.shipper.sink.loki.LokiIndexer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Loki sink ({@link LokiIndexer}) as a child JVM, configured by {@code key=value} arguments with the keys of
 * {@link io.fabstir.shipper.sink.loki.LokiConfig}, so a test can SIGKILL it like the other shipper processes.
 */
public final class LokiSinkMain {
    private LokiSinkMain() {
    }

    public static void main(String[] args) {
        ParentWatchdog.start();
        Map<String, String> config = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                System.err.println("expected key=value, got " + a);
                System.exit(2);
            }
            config.put(a.substring(0, eq), a.substring(eq + 1));
        }
        LokiIndexer indexer = LokiIndexer.fromConfig(config);
        Runtime.getRuntime().addShutdownHook(new Thread(indexer::close, "loki-sink-shutdown"));
        indexer.run();
    }
}
