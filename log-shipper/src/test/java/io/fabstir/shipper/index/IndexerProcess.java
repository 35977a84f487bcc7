package io.fabstir.shipper.index;

import io.fabstir.shipper.cli.IndexCommand;
import picocli.CommandLine;

/** Runs {@code index} as a child JVM for the crash tests; exits when the parent closes its stdin. */
public final class IndexerProcess {
    private IndexerProcess() {
    }

    public static void main(String[] args) {
        Thread watchdog = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // keep reading until the parent goes away
                }
            } catch (java.io.IOException ignored) {
                // parent gone
            }
            Runtime.getRuntime().halt(99);
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        System.exit(new CommandLine(new IndexCommand()).execute(args));
    }
}
