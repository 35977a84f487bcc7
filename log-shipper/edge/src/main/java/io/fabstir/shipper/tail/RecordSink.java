package io.fabstir.shipper.tail;

import java.time.Duration;

/** Where {@link Tailer} sends enriched records (Kafka in production). */
public interface RecordSink extends AutoCloseable {

    /** Called once per send from the sink's own thread. */
    interface Delivery {
        void acknowledged();

        void failed(Exception e);
    }

    /**
     * Sends asynchronously; {@code delivery} learns whether the record is durable. May block briefly when the sink's
     * buffer is full; may throw, which counts as a failed delivery.
     */
    void send(byte[] value, Delivery delivery);

    /** Releases resources, waiting at most {@code timeout} for records already sent. */
    void close(Duration timeout);

    @Override
    default void close() {
        close(Duration.ofSeconds(5));
    }
}
