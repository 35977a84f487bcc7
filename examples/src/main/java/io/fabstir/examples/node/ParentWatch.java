package io.fabstir.examples.node;

import java.io.IOException;
import java.io.InputStream;

/**
 * Ends the node when its stdin reaches end-of-file. A parent that starts the node with a pipe on stdin holds the
 * write end; when the parent dies for any reason (SIGKILL included) the kernel closes it, so the node never
 * outlives the parent as an orphan.
 */
final class ParentWatch {
    private ParentWatch() {
    }

    static void start(InputStream stdin, Runnable onParentGone) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[256];
            try {
                while (stdin.read(buffer) != -1) {
                    // the parent may write; only end-of-file matters
                }
            } catch (IOException e) {
                // a broken pipe means the same: nobody is on the other end
            }
            onParentGone.run();
        }, "parent-watch");
        t.setDaemon(true);
        t.start();
    }
}
