package io.fabstir.localservices;

import java.io.IOException;
import java.io.InputStream;

/**
 * Entry point of a child-process broker: exits when its stdin reaches EOF, which happens when the parent JVM dies
 * (even by SIGKILL), so an orphaned broker never keeps holding ports.
 */
public final class ChildMain {
    private ChildMain() {}

    public static void main(String[] args) {
        Thread watcher = new Thread(() -> {
            InputStream in = System.in;
            try {
                while (in.read() >= 0) {
                    // ignore input
                }
            } catch (IOException ignored) {
                // treat as EOF
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watcher");
        watcher.setDaemon(true);
        watcher.start();
        kafka.Kafka.main(args);
    }
}
