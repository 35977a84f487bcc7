package io.fabstir.otel.http;

import io.fabstir.otel.telemetry.FabstirTelemetry;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.Awaitility;

/** The node's port in library mode, as the tests of its access rules start it: GPU off, exporters off. */
final class NodePort implements AutoCloseable {

  final int port;
  final FabstirTelemetry telemetry;
  private final String scheme;
  private final HttpClient http;

  private NodePort(int port, FabstirTelemetry telemetry, String scheme, HttpClient http) {
    this.port = port;
    this.telemetry = telemetry;
    this.scheme = scheme;
    this.http = http;
  }

  static Map<String, String> settings(int port) {
    Map<String, String> p = new HashMap<>();
    p.put("otel.traces.exporter", "none");
    p.put("otel.metrics.exporter", "none");
    p.put("otel.service.name", "node-port-test");
    p.put("fabstir.gpu.enabled", "false");
    p.put("fabstir.http.enabled", "true");
    p.put("fabstir.http.port", Integer.toString(port));
    return p;
  }

  /** Installs with {@code extra} on top of {@link #settings}, and waits until /ready answers. */
  static NodePort start(Map<String, String> extra) throws Exception {
    return start(extra, "http", HttpClient.newHttpClient());
  }

  static NodePort start(Map<String, String> extra, String scheme, HttpClient http) throws Exception {
    int port = freePort();
    Map<String, String> p = settings(port);
    p.putAll(extra);
    NodePort node = new NodePort(port, FabstirTelemetry.install(p), scheme, http);
    Awaitility.await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> node.get("/ready").statusCode() == 200);
    return node;
  }

  HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(scheme + "://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** A secret file as an operator should leave it: readable by its owner only. */
  static Path secretFile(Path dir, String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  @Override
  public void close() {
    telemetry.close();
  }
}
