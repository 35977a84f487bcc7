package io.fabstir.shipper.demo;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.function.Consumer;

/**
 * Polls {@code _count} over the daily log indices, as a user refreshing Kibana would, to catch the moment the first
 * record becomes searchable (indexed and refreshed under the installed template's refresh interval).
 */
final class SearchableWatch implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SearchableWatch.class);
    static final String LOG_INDICES = "fabstir-logs-*,-fabstir-logs-dlq-*";

    private final ElasticsearchClient client;
    private final Consumer<Instant> onFirst;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long searchable;
    private volatile Instant first;

    SearchableWatch(ElasticsearchClient client, Consumer<Instant> onFirst) {
        this.client = client;
        this.onFirst = onFirst;
        this.thread = new Thread(this::poll, "demo-searchable-watch");
        thread.setDaemon(true);
        thread.start();
    }

    long searchable() {
        return searchable;
    }

    Instant first() {
        return first;
    }

    private void poll() {
        while (running) {
            try {
                long n = client.count(c -> c.index(LOG_INDICES).allowNoIndices(true).ignoreUnavailable(true)).count();
                searchable = n;
                if (n > 0 && first == null) {
                    first = Instant.now();
                    onFirst.accept(first);
                }
            } catch (Exception e) {
                if (running) {
                    log.debug("count failed: {}", e.toString());
                }
            }
            try {
                Thread.sleep(first == null ? 100 : 1000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
