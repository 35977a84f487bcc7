package io.fabstir.shipper.harness;

import io.fabstir.shipper.cli.FabstirShipper;

/**
 * Entry point of a shipper child JVM in the tests: {@code fabstir-shipper <args>}, exactly as the CLI runs, plus a
 * watchdog that halts the JVM when its stdin reaches EOF, which happens when the test JVM dies (even by SIGKILL),
 * so no shipper outlives the test run.
 */
public final class ShipperMain {
    private ShipperMain() {
    }

    public static void main(String[] args) {
        ParentWatchdog.start();
        System.exit(FabstirShipper.commandLine().execute(args));
    }
}
