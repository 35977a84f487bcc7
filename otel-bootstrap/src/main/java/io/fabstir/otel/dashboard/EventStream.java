package io.fabstir.otel.dashboard;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Server-Sent Events over the JDK HTTP server. A subscriber's exchange stays open after its handler returns, so a
 * page holds no server thread (the server has two, shared with {@code /metrics}); snapshots are written to every
 * open stream from the dashboard's push thread. A stream whose write fails is closed and dropped.
 */
final class EventStream {

  static final int MAX_SUBSCRIBERS = 8;

  private final List<HttpExchange> subscribers = new CopyOnWriteArrayList<>();

  /** Opens the stream and sends {@code first}; false (and 503) when {@value #MAX_SUBSCRIBERS} are open already. */
  boolean subscribe(HttpExchange exchange, long id, String first) throws IOException {
    if (subscribers.size() >= MAX_SUBSCRIBERS) {
      return false;
    }
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.sendResponseHeaders(200, 0); // chunked, open-ended
    if (first != null && !send(exchange, id, first)) {
      return true;
    }
    subscribers.add(exchange);
    return true;
  }

  void publish(long id, String json) {
    for (HttpExchange exchange : subscribers) {
      if (!send(exchange, id, json)) {
        subscribers.remove(exchange);
      }
    }
  }

  int size() {
    return subscribers.size();
  }

  void close() {
    for (HttpExchange exchange : subscribers) {
      exchange.close();
    }
    subscribers.clear();
  }

  private static boolean send(HttpExchange exchange, long id, String json) {
    byte[] frame = ("id: " + id + "\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    try {
      OutputStream out = exchange.getResponseBody();
      out.write(frame);
      out.flush();
      return true;
    } catch (IOException | RuntimeException e) {
      exchange.close(); // the page went away
      return false;
    }
  }
}
