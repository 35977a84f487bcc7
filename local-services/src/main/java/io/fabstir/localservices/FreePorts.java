package io.fabstir.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Picks loopback ports that are free right now (the caller binds them soon after). */
final class FreePorts {
    private FreePorts() {}

    static int next() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** Distinct free ports. */
    static int[] next(int count) {
        int[] ports = new int[count];
        for (int i = 0; i < count; i++) {
            int p;
            do {
                p = next();
            } while (contains(ports, i, p));
            ports[i] = p;
        }
        return ports;
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) if (a[i] == v) return true;
        return false;
    }
}
