package io.fabstir.shipper.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

import java.util.Map;

/**
 * Ctrl-C (SIGINT) and SIGTERM stop the demo in order (node, tail, index, Elasticsearch, Kafka) before the JVM exits.
 * A shutdown hook alone cannot: the local-services kit registers its own hooks for Kafka and Elasticsearch, and
 * the JVM runs all hooks at once, so the services would go away under the tail and the indexer, which then wait on
 * them. Handling the signal first and exiting afterwards (Kafka and Elasticsearch, closed, have removed their
 * hooks) keeps the order. The JDK has no public signal API; {@code sun.misc.Signal} (jdk.unsupported) is what
 * Kafka and Elasticsearch use for the same purpose.
 */
final class StopSignals {
    private static final Logger log = LoggerFactory.getLogger(StopSignals.class);

    private StopSignals() {
    }

    static void install(Runnable stop) {
        for (Map.Entry<String, Integer> s : Map.of("INT", 130, "TERM", 143).entrySet()) {
            try {
                Signal.handle(new Signal(s.getKey()), signal -> {
                    stop.run();
                    System.exit(s.getValue());
                });
            } catch (IllegalArgumentException e) {
                // Not handleable here (e.g. the JVM runs with -Xrs): the shutdown hook still stops everything.
                log.debug("cannot handle SIG{}: {}", s.getKey(), e.getMessage());
            }
        }
    }
}
