package io.fabstir.otel.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/** An OTLP/HTTP protobuf endpoint that decodes what it receives with the official OTLP proto classes. */
final class OtlpReceiver implements AutoCloseable {

  final List<ResourceSpans> spans = new CopyOnWriteArrayList<>();
  final List<ResourceMetrics> metrics = new CopyOnWriteArrayList<>();
  final List<ResourceLogs> logs = new CopyOnWriteArrayList<>();
  /** Every request body as received (decompressed): what crossed the wire, for byte-level checks. */
  final List<byte[]> payloads = new CopyOnWriteArrayList<>();
  final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private final HttpServer server;

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/v1/traces", e -> handle(e, () -> {
      spans.addAll(ExportTraceServiceRequest.parseFrom(body(e)).getResourceSpansList());
      return ExportTraceServiceResponse.getDefaultInstance().toByteArray();
    }));
    server.createContext("/v1/metrics", e -> handle(e, () -> {
      metrics.addAll(ExportMetricsServiceRequest.parseFrom(body(e)).getResourceMetricsList());
      return ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
    }));
    server.createContext("/v1/logs", e -> handle(e, () -> {
      logs.addAll(ExportLogsServiceRequest.parseFrom(body(e)).getResourceLogsList());
      return ExportLogsServiceResponse.getDefaultInstance().toByteArray();
    }));
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  interface Decoder {
    byte[] decode() throws IOException;
  }

  /** Answers 400 with the reason when decoding fails, so a bad payload shows up in the test, not as a hang-up. */
  private void handle(HttpExchange e, Decoder decoder) throws IOException {
    try {
      reply(e, 200, decoder.decode());
    } catch (IOException | RuntimeException | Error failure) {
      failures.add(failure);
      reply(e, 400, String.valueOf(failure).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private byte[] body(HttpExchange e) throws IOException {
    InputStream in = e.getRequestBody();
    if ("gzip".equalsIgnoreCase(e.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    byte[] body = in.readAllBytes();
    payloads.add(body);
    return body;
  }

  private static void reply(HttpExchange e, int status, byte[] bytes) throws IOException {
    e.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    e.sendResponseHeaders(status, bytes.length);
    e.getResponseBody().write(bytes);
    e.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
