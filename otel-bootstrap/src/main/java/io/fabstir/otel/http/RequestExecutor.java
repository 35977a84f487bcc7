package io.fabstir.otel.http;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads of the node's HTTP server: at most {@value #THREADS} requests are read and answered at once and
 * {@value #QUEUED} more wait; the JDK server closes the connection of any beyond that. Each request (its line and
 * headers, the handler, the response) must be done within the request timeout, or its connection is closed: a
 * client that connects and then sends or reads nothing holds a thread for that long at most. Connections between
 * requests hold no thread (the server's selector watches them) and are closed by the JDK after 30 s idle.
 */
final class RequestExecutor implements Executor {

  static final int THREADS = 4;
  static final int QUEUED = 32;

  private final ThreadPoolExecutor pool;
  private final Deadlines deadlines;
  private final Duration timeout;

  RequestExecutor(Deadlines deadlines, Duration timeout) {
    this.deadlines = deadlines;
    this.timeout = timeout;
    pool = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED), r -> {
      Thread t = new Thread(r, "fabstir-telemetry-http");
      t.setDaemon(true);
      return t;
    }, new ThreadPoolExecutor.AbortPolicy());
    pool.allowCoreThreadTimeOut(true);
  }

  @Override
  public void execute(Runnable exchange) {
    pool.execute(() -> {
      try (Deadlines.Lease lease = deadlines.start(timeout)) {
        exchange.run();
      }
    });
  }

  void shutdownNow() {
    pool.shutdownNow();
  }
}
