package io.fabstir.otel.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Clients that connect and then send nothing, or never read, cannot keep an operator out. */
class RequestLimitsTest {

  @Test
  void clientsThatSendHalfARequestLoseTheirConnectionAndOthersAreServedMeanwhile() throws Exception {
    try (NodePort node = NodePort.start(Map.of("fabstir.http.request-timeout", "1s"))) {
      List<Socket> slow = new ArrayList<>();
      try {
        // more than the server's threads: each sends the start of a request and stops
        for (int i = 0; i < RequestExecutor.THREADS * 2; i++) {
          Socket s = new Socket("127.0.0.1", node.port);
          s.getOutputStream().write("GET /metrics HTTP/1.1\r\nHost: node\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
          s.getOutputStream().flush();
          s.setSoTimeout(30_000);
          slow.add(s);
        }
        // an operator's scrape is answered while they hang
        assertThat(node.get("/metrics").statusCode()).isEqualTo(200);
        for (Socket s : slow) {
          assertThat(readToEnd(s.getInputStream())).as("the server closed the half-sent request").isEqualTo(-1);
        }
      } finally {
        for (Socket s : slow) {
          s.close();
        }
      }
    }
  }

  /** Reads until the server closes (-1) or resets the connection (also -1 here). */
  private static int readToEnd(InputStream in) throws Exception {
    try {
      int b;
      while ((b = in.read()) >= 0) {
        // a response to a half-sent request would be a failure of its own; keep reading to the end
      }
      return b;
    } catch (SocketException reset) {
      return -1;
    }
  }
}
