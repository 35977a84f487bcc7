package io.fabstir.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks loopback ports that are free right now (the caller binds them soon after).
 *
 * <p>Ports come from below the kernel's ephemeral range ({@code ip_local_port_range}), not from it: a server such as
 * Elasticsearch binds its port tens of seconds after it was chosen, and meanwhile any outgoing connection on the
 * machine may be given that very port as its local one (the clusters' own clients start beside it), which failed
 * FaultClusterTest with a bind error. The kernel never hands out ports below the range to connections, and this JVM
 * never hands out the same port twice.
 */
final class FreePorts {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int[] RANGE = range();

    private FreePorts() {}

    static int next() {
        if (RANGE == null) {
            return ephemeral();
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int p = RANGE[0] + r.nextInt(RANGE[1] - RANGE[0]);
            if (HANDED_OUT.add(p)) {
                if (free(p)) {
                    return p;
                }
                HANDED_OUT.remove(p);
            }
        }
        return ephemeral();
    }

    /** Distinct free ports. */
    static int[] next(int count) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            ports[i] = next();
        }
        return ports;
    }

    /** [from, to) below the ephemeral range, or null when the range starts too low to leave room. */
    private static int[] range() {
        int low = 32768;
        try {
            String[] r = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            low = Integer.parseInt(r[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: assume the kernel's default
        }
        int from = Math.max(10_000, low - 12_000);
        return low - from >= 2_000 ? new int[] {from, low} : null;
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeral() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free loopback port", e);
            }
        }
        throw new IllegalStateException("no free loopback port");
    }
}
