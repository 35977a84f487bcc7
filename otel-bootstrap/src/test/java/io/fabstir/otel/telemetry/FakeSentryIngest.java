package io.fabstir.otel.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A Sentry ingest endpoint speaking the envelope protocol ({@code POST /api/<project>/envelope/}, gzip or not):
 * an envelope header line, then items, each an item header line ({@code type}, optional {@code length}) and its
 * payload. Keeps every envelope's bytes as received and the JSON of each {@code event} item.
 */
final class FakeSentryIngest implements AutoCloseable {

  static final String PUBLIC_KEY = "c0ffee00c0ffee00c0ffee00c0ffee00";
  static final String PROJECT = "42";
  private static final ObjectMapper JSON = new ObjectMapper();

  final List<byte[]> envelopes = new CopyOnWriteArrayList<>();
  final List<JsonNode> events = new CopyOnWriteArrayList<>();
  final List<String> authHeaders = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  FakeSentryIngest() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/api/" + PROJECT + "/envelope/", this::envelope);
    server.start();
  }

  String dsn() {
    return "http://" + PUBLIC_KEY + "@127.0.0.1:" + server.getAddress().getPort() + "/" + PROJECT;
  }

  private void envelope(HttpExchange e) throws IOException {
    try {
      InputStream in = e.getRequestBody();
      if ("gzip".equalsIgnoreCase(e.getRequestHeaders().getFirst("Content-Encoding"))) {
        in = new GZIPInputStream(in);
      }
      byte[] body = in.readAllBytes();
      envelopes.add(body);
      authHeaders.add(String.valueOf(e.getRequestHeaders().getFirst("X-Sentry-Auth")));
      String eventId = parse(body);
      byte[] reply = ("{\"id\":\"" + eventId + "\"}").getBytes(StandardCharsets.UTF_8);
      e.getResponseHeaders().set("Content-Type", "application/json");
      e.sendResponseHeaders(200, reply.length);
      e.getResponseBody().write(reply);
    } catch (RuntimeException bad) {
      byte[] reply = ("bad envelope: " + bad).getBytes(StandardCharsets.UTF_8);
      e.sendResponseHeaders(400, reply.length);
      e.getResponseBody().write(reply);
    } finally {
      e.close();
    }
  }

  /** The envelope's items; returns its event id. */
  private String parse(byte[] body) throws IOException {
    int pos = lineEnd(body, 0);
    JsonNode header = JSON.readTree(Arrays.copyOfRange(body, 0, pos));
    pos++;
    while (pos < body.length) {
      int end = lineEnd(body, pos);
      if (end == pos) {
        pos++;
        continue;
      }
      JsonNode item = JSON.readTree(Arrays.copyOfRange(body, pos, end));
      pos = end + 1;
      int length = item.has("length") ? item.get("length").asInt() : lineEnd(body, pos) - pos;
      byte[] payload = Arrays.copyOfRange(body, pos, pos + length);
      pos += length + 1;
      if (item.path("type").asText().equals("event")) {
        events.add(JSON.readTree(payload));
      }
    }
    return header.path("event_id").asText("");
  }

  private static int lineEnd(byte[] b, int from) {
    int i = from;
    while (i < b.length && b[i] != '\n') {
      i++;
    }
    return i;
  }

  /** Every envelope as text (their strings are UTF-8 JSON). */
  String all() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    envelopes.forEach(b -> out.write(b, 0, b.length));
    return out.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
