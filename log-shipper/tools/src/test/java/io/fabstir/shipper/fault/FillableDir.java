package io.fabstir.shipper.fault;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A folder that can be made to refuse writes, for the checkpoint: a small tmpfs mounted on it and filled to the last
 * byte (ENOSPC, a real full disk) where this machine lets the test mount one (root, or CAP_SYS_ADMIN); elsewhere a
 * directory put where the checkpoint's temp file goes, so that opening it for writing fails in the same place of
 * the same code path.
 */
final class FillableDir implements AutoCloseable {
    private final Path dir;
    private final String blockedFile;
    private final boolean tmpfs;
    private boolean full;

    private FillableDir(Path dir, String blockedFile, boolean tmpfs) {
        this.dir = dir;
        this.blockedFile = blockedFile;
        this.tmpfs = tmpfs;
    }

    /** {@code dir} (created), backed by a 512 KiB tmpfs if possible; {@code blockedFile} is what the fallback blocks. */
    static FillableDir at(Path dir, String blockedFile) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512k,mode=0755", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes());
        boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        if (!mounted) {
            System.out.println("[fault] cannot mount a tmpfs on " + dir + " (" + out.strip()
                    + "): the checkpoint's temp file is blocked instead");
        }
        return new FillableDir(dir, blockedFile, mounted);
    }

    String method() {
        return tmpfs ? "512 KiB tmpfs filled until ENOSPC" : "checkpoint temp file blocked by a directory (no tmpfs)";
    }

    /** Makes every further write of the checkpoint fail. */
    void fill() throws IOException {
        if (tmpfs) {
            byte[] chunk = new byte[4096];
            try (OutputStream out = Files.newOutputStream(dir.resolve("filler"))) {
                while (true) {
                    out.write(chunk);
                }
            } catch (IOException noSpace) {
                // full: exactly what we wanted
            }
        } else {
            Files.createDirectories(dir.resolve(blockedFile));
        }
        full = true;
    }

    void free() throws IOException {
        if (tmpfs) {
            Files.deleteIfExists(dir.resolve("filler"));
        } else {
            Files.deleteIfExists(dir.resolve(blockedFile));
        }
        full = false;
    }

    boolean full() {
        return full;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (tmpfs) {
            Process p = new ProcessBuilder("umount", dir.toString()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                new ProcessBuilder("umount", "-l", dir.toString()).start().waitFor(30, TimeUnit.SECONDS);
            }
        } else if (full) {
            free();
        }
    }
}
