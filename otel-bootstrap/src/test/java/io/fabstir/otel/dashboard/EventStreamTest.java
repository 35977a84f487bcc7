package io.fabstir.otel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabstir.otel.http.Deadlines;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Three pages on the event stream of a real JDK HTTP server: one reading at once, one reading slowly, one that
 * stopped reading. Snapshots of 512 KB are published every 50 ms, faster than the slow page reads.
 */
class EventStreamTest {

  private static final int FRAME_BYTES = 512 * 1024;
  private final Deadlines deadlines = new Deadlines("test-deadlines");
  private final EventStream stream = new EventStream(deadlines, Duration.ofSeconds(2));
  private HttpServer server;

  @AfterEach
  void stop() {
    stream.close();
    if (server != null) {
      server.stop(0);
    }
    deadlines.close();
  }

  @Test
  void aStalledPageIsDroppedASlowPageSkipsToTheLatestAndTheLivePageMissesNothingItCouldRead() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext("/events", e -> stream.subscribe(e, 0, null));
    server.start();
    int port = server.getAddress().getPort();

    List<Long> live = new CopyOnWriteArrayList<>();
    HttpResponse<InputStream> liveResponse = HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/events")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    Thread liveReader = reader(liveResponse.body(), live, 0);

    List<Long> slow = new CopyOnWriteArrayList<>();
    Socket slowSocket = request(port, 256 * 1024);
    Thread slowReader = reader(slowSocket.getInputStream(), slow, 20); // at most 64 KB / 20 ms: slower than published

    Socket stalled = request(port, 16 * 1024); // reads nothing from here on
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> stream.size() == 3);

    AtomicLong last = new AtomicLong();
    String pad = "x".repeat(FRAME_BYTES);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    for (long id = 1; id <= 120 && System.nanoTime() < deadline; id++) {
      stream.publish(id, "{\"seq\":" + id + ",\"pad\":\"" + pad + "\"}");
      last.set(id);
      Thread.sleep(50);
    }

    Awaitility.await("the stalled page dropped").atMost(Duration.ofSeconds(20)).until(() -> stream.size() == 2);
    Awaitility.await("both reading pages got the last snapshot").atMost(Duration.ofSeconds(30))
        .until(() -> !live.isEmpty() && !slow.isEmpty()
            && live.get(live.size() - 1) == last.get() && slow.get(slow.size() - 1) == last.get());
    assertThat(slow.size()).as("the slow page skipped to the latest snapshot").isLessThan((int) last.get());
    assertThat(slow).isSorted().doesNotHaveDuplicates();
    assertThat(live).isSorted().doesNotHaveDuplicates();
    assertThat(stalled.isClosed()).isFalse(); // our side of it; the server's side was closed
    stalled.setSoTimeout(20_000);
    assertThat(drain(stalled.getInputStream())).as("the server closed the stalled page's connection").isTrue();

    liveReader.interrupt();
    slowReader.interrupt();
    slowSocket.close();
    stalled.close();
  }

  private static Socket request(int port, int receiveBuffer) throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(receiveBuffer);
    s.connect(new InetSocketAddress("127.0.0.1", port));
    s.getOutputStream().write(("GET /events HTTP/1.1\r\nHost: node\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
    s.getOutputStream().flush();
    return s;
  }

  /** Collects the ids of the frames read; with {@code pauseMillis}, reads 64 KB at a time with a pause between. */
  private static Thread reader(InputStream in, List<Long> ids, long pauseMillis) {
    InputStream paced = pauseMillis == 0 ? in : new InputStream() {
      private final byte[] chunk = new byte[64 * 1024];
      private int pos;
      private int len;

      @Override
      public int read() throws java.io.IOException {
        if (pos == len) {
          try {
            Thread.sleep(pauseMillis);
          } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException();
          }
          len = in.read(chunk);
          pos = 0;
          if (len <= 0) {
            return -1;
          }
        }
        return chunk[pos++] & 0xff;
      }
    };
    Thread t = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(paced, StandardCharsets.UTF_8), 1 << 16)) {
        for (String line; (line = r.readLine()) != null; ) {
          if (line.startsWith("id: ")) {
            ids.add(Long.parseLong(line.substring(4).trim()));
          }
        }
      } catch (Exception e) {
        // closed by the test
      }
    }, "test-sse-reader");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Reads what the socket still holds; true when the server's end is closed (EOF or reset). */
  private static boolean drain(InputStream in) {
    byte[] buf = new byte[1 << 16];
    try {
      while (in.read(buf) >= 0) {
        // buffered frames sent before the server gave up
      }
      return true;
    } catch (java.net.SocketException reset) {
      return true;
    } catch (java.io.IOException timeout) {
      return false;
    }
  }
}
