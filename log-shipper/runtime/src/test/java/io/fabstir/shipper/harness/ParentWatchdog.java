package io.fabstir.shipper.harness;

import java.io.IOException;

/** Halts a child JVM once the parent closes the child's stdin (the parent exited or was killed). */
final class ParentWatchdog {
    private ParentWatchdog() {
    }

    static void start() {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // keep reading until the parent goes away
                }
            } catch (IOException ignored) {
                // parent gone
            }
            Runtime.getRuntime().halt(99);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }
}
