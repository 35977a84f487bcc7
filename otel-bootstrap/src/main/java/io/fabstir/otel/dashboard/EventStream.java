package io.fabstir.otel.dashboard;

import com.sun.net.httpserver.HttpExchange;
import io.fabstir.otel.http.Deadlines;
import io.fabstir.otel.http.Responses;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Server-Sent Events over the JDK HTTP server. A page's exchange stays open after its handler returns, so it holds
 * no request thread. Each page has a mailbox of one frame: a new snapshot replaces one not yet sent (latest wins),
 * so a page that reads slowly skips snapshots and costs at most one frame of heap, and a writer thread of its own
 * while a frame is in flight, so it never delays the others. A write that has not gone through within the write
 * timeout (a page that stopped reading: its socket buffers full) closes that page's connection.
 */
final class EventStream {

  static final int MAX_SUBSCRIBERS = 8;

  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final ThreadPoolExecutor writers;
  private final Deadlines deadlines;
  private final Duration writeTimeout;

  EventStream(Deadlines deadlines, Duration writeTimeout) {
    this.deadlines = deadlines;
    this.writeTimeout = writeTimeout;
    // one drain at a time per page, so never more threads than pages
    writers = new ThreadPoolExecutor(MAX_SUBSCRIBERS, MAX_SUBSCRIBERS, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread t = new Thread(r, "fabstir-dashboard-push");
          t.setDaemon(true);
          return t;
        });
    writers.allowCoreThreadTimeOut(true);
  }

  /** Opens the stream and queues {@code first}; false when {@value #MAX_SUBSCRIBERS} are open already. */
  boolean subscribe(HttpExchange exchange, long id, String first) throws IOException {
    Subscriber s = new Subscriber(exchange);
    synchronized (this) {
      if (subscribers.size() >= MAX_SUBSCRIBERS) {
        return false;
      }
      subscribers.add(s);
    }
    try {
      Responses.headers(exchange, "text/event-stream; charset=utf-8");
      exchange.sendResponseHeaders(200, 0); // chunked, open-ended
    } catch (IOException | RuntimeException e) {
      drop(s);
      throw e;
    }
    if (first != null) {
      s.offer(frame(id, first));
    }
    return true;
  }

  void publish(long id, String json) {
    if (subscribers.isEmpty()) {
      return;
    }
    byte[] frame = frame(id, json); // one copy for every page
    for (Subscriber s : subscribers) {
      s.offer(frame);
    }
  }

  int size() {
    return subscribers.size();
  }

  void close() {
    writers.shutdownNow(); // interrupts writes in flight, which closes their connections
    for (Subscriber s : subscribers) {
      drop(s);
    }
  }

  private void drop(Subscriber s) {
    subscribers.remove(s);
    // closing writes the stream's last chunk, which a page that stopped reading would never take
    try (Deadlines.Lease lease = deadlines.start(Duration.ofSeconds(1))) {
      s.exchange.close();
    } catch (RuntimeException e) {
      // already gone
    }
  }

  private static byte[] frame(long id, String json) {
    return ("id: " + id + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  /** One open page: its latest unsent frame and whether a writer is on it. */
  private final class Subscriber {
    final HttpExchange exchange;
    final AtomicReference<byte[]> next = new AtomicReference<>();
    final AtomicBoolean draining = new AtomicBoolean();

    Subscriber(HttpExchange exchange) {
      this.exchange = exchange;
    }

    void offer(byte[] frame) {
      next.set(frame);
      if (draining.compareAndSet(false, true)) {
        try {
          writers.execute(this::drain);
        } catch (RuntimeException e) { // shut down
          draining.set(false);
        }
      }
    }

    private void drain() {
      while (true) {
        byte[] frame = next.getAndSet(null);
        if (frame == null) {
          draining.set(false);
          // a frame offered between the two lines above found draining still set: take it now
          if (next.get() == null || !draining.compareAndSet(false, true)) {
            return;
          }
          continue;
        }
        if (!write(frame)) {
          drop(this);
          return; // draining stays set: nothing is written to a dropped page again
        }
      }
    }

    private boolean write(byte[] frame) {
      try (Deadlines.Lease lease = deadlines.start(writeTimeout)) {
        OutputStream out = exchange.getResponseBody();
        out.write(frame);
        out.flush();
        return !lease.expired();
      } catch (IOException | RuntimeException e) {
        return false; // the page went away, or stopped reading for longer than the write timeout
      }
    }
  }
}
