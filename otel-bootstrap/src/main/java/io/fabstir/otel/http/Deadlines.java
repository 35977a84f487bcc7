package io.fabstir.otel.http;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Time limits on blocking socket work. The JDK's HTTP server reads a request's line and headers, and writes its
 * response, with blocking calls on a socket channel, and offers no per-server time limit (only JVM-wide system
 * properties, which would change the application's own servers too). A thread that overstays its lease is
 * interrupted; an interrupted blocking channel call closes its channel, so a client that sends or reads too slowly
 * loses its connection and frees the thread.
 */
public final class Deadlines implements AutoCloseable {

  private final Set<Lease> leases = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService watchdog;

  public Deadlines(String threadName) {
    watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    watchdog.scheduleWithFixedDelay(this::expire, 100, 100, TimeUnit.MILLISECONDS);
  }

  /** Starts a lease for the calling thread; close it when the work is done (try-with-resources). */
  public Lease start(Duration limit) {
    Lease lease = new Lease(Thread.currentThread(), System.nanoTime() + limit.toNanos());
    leases.add(lease);
    return lease;
  }

  private void expire() {
    long now = System.nanoTime();
    for (Lease lease : leases) {
      if (now - lease.deadline > 0) {
        lease.expire();
      }
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
  }

  /** One thread's permission to block until its deadline. */
  public final class Lease implements AutoCloseable {
    private final Thread thread;
    private final long deadline;
    private boolean active = true;
    private boolean expired;

    private Lease(Thread thread, long deadline) {
      this.thread = thread;
      this.deadline = deadline;
    }

    private synchronized void expire() {
      if (active) {
        active = false;
        expired = true;
        thread.interrupt();
      }
      leases.remove(this);
    }

    /** Whether the watchdog ended the work. */
    public synchronized boolean expired() {
      return expired;
    }

    @Override
    public void close() {
      synchronized (this) {
        active = false;
      }
      leases.remove(this);
      if (Thread.currentThread() == thread) {
        Thread.interrupted(); // an interrupt meant for this lease must not hit the thread's next work
      }
    }
  }
}
