package io.fabstir.localservices.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A loopback TCP forwarder that a test can cut like a network link: {@link #blackhole()} stops moving bytes in both
 * directions without closing anything, as a partition that drops packets would (peers see silence, not a reset,
 * and find out only through their own timeouts); {@link #restore()} lets the held bytes through again.
 *
 * <p>Why a proxy: the build machines have no root, so no iptables or network namespaces. TLS passes through untouched
 * (the proxy listens on 127.0.0.1, which server certificates of {@code TestCa} name).
 *
 * <p>Connections accepted while black-holed are held open without reaching the target and are closed on
 * {@link #restore()}: by then their owners have timed out, as they would have on lost SYNs. Blocking I/O with two
 * threads per connection: test traffic is a few dozen connections, and the code stays obviously correct.
 */
public final class TcpProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);

    private final String name;
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Set<Socket> held = ConcurrentHashMap.newKeySet();
    private final Object gate = new Object();
    private volatile boolean blackholed;
    private volatile boolean closed;

    private TcpProxy(String name, InetSocketAddress target, ServerSocket server) {
        this.name = name;
        this.target = target;
        this.server = server;
    }

    /** Starts forwarding a new loopback port (see {@link #port()}) to {@code 127.0.0.1:targetPort}. */
    public static TcpProxy start(String name, int targetPort) {
        return start(name, 0, targetPort);
    }

    /** As {@link #start(String, int)} on a chosen listen port (0: any free one). */
    public static TcpProxy start(String name, int listenPort, int targetPort) {
        try {
            ServerSocket server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), listenPort), 128);
            TcpProxy p = new TcpProxy(name, new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), server);
            Thread t = new Thread(p::acceptLoop, "proxy-" + name + "-accept");
            t.setDaemon(true);
            t.start();
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start proxy " + name + " on port " + listenPort, e);
        }
    }

    /** The loopback port clients connect to. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}. */
    public String address() {
        return "127.0.0.1:" + port();
    }

    /** The port bytes are forwarded to. */
    public int targetPort() {
        return target.getPort();
    }

    /** Stops forwarding in both directions; connections stay open and silent. Idempotent. */
    public void blackhole() {
        blackholed = true;
        log.info("proxy {} ({} -> {}) black-holed", name, port(), target.getPort());
    }

    /** Forwards again: held bytes go through, connections accepted meanwhile are closed. Idempotent. */
    public void restore() {
        synchronized (gate) {
            blackholed = false;
            gate.notifyAll();
        }
        for (Socket s : held) closeQuietly(s);
        held.clear();
        log.info("proxy {} ({} -> {}) restored", name, port(), target.getPort());
    }

    public boolean isBlackholed() {
        return blackholed;
    }

    /** Closes every open connection (peers see a reset) without changing the black-hole state. */
    public void dropConnections() {
        for (Socket s : sockets) closeQuietly(s);
        sockets.clear();
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(server);
        synchronized (gate) {
            gate.notifyAll();
        }
        dropConnections();
        for (Socket s : held) closeQuietly(s);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) log.warn("proxy {} accept failed: {}", name, e.toString());
                return;
            }
            if (blackholed) {
                held.add(client);
                continue;
            }
            Thread t = new Thread(() -> connect(client), "proxy-" + name + "-connect");
            t.setDaemon(true);
            t.start();
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
            upstream.connect(target, 10_000);
        } catch (IOException e) {
            // Target down (e.g. the broker was killed): the client sees the connection close, as with a refused one.
            closeQuietly(client);
            closeQuietly(upstream);
            return;
        }
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream, "up");
        pump(upstream, client, "down");
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    awaitOpen();
                    if (closed) break;
                    out.write(buf, 0, n);
                }
            } catch (IOException endOfConnection) {
                // either side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                sockets.remove(from);
                sockets.remove(to);
            }
        }, "proxy-" + name + "-" + direction);
        t.setDaemon(true);
        t.start();
    }

    private void awaitOpen() {
        if (!blackholed) return;
        synchronized (gate) {
            while (blackholed && !closed) {
                try {
                    gate.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }
}
