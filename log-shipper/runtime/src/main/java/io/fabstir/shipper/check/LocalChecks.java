package io.fabstir.shipper.check;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks of this host: a folder the command writes in, a file it reads, a port it listens on. */
public final class LocalChecks {
    private LocalChecks() {
    }

    /** The user the command runs as (its unit's {@code User=}), for messages. */
    static String user() {
        return System.getProperty("user.name", "this user");
    }

    /**
     * The folder {@code file} is written in can be written by this user: a probe file is created and deleted there.
     * A folder that does not exist yet passes when its nearest existing parent is writable (the command creates it).
     */
    public static void writableFolderOf(CheckReport report, String name, String key, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        if (Files.isDirectory(dir)) {
            try {
                Path probe = Files.createTempFile(dir, ".fabstir-check-", ".tmp");
                Files.delete(probe);
                report.ok(name, dir + " is writable by " + user());
            } catch (IOException e) {
                report.failed(name, "cannot write in " + dir + " as " + user() + ": " + e, key,
                        "give " + user() + " write access to " + dir + " (the packaged unit's StateDirectory is "
                                + "writable), or point " + key + " elsewhere");
            }
            return;
        }
        Path parent = dir.getParent();
        while (parent != null && !Files.isDirectory(parent)) {
            parent = parent.getParent();
        }
        if (parent != null && Files.isWritable(parent)) {
            report.ok(name, dir + " does not exist yet; it is created in " + parent + ", which " + user()
                    + " may write");
        } else {
            report.failed(name, dir + " does not exist and " + user() + " cannot create it"
                    + (parent == null ? "" : " in " + parent), key, "create " + dir + " writable by " + user()
                    + ", or point " + key + " elsewhere");
        }
    }

    /** A port the command will listen on is free (a running instance of the same command holds it: a warning). */
    public static void listenPort(CheckReport report, String name, String key, String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(host == null ? new InetSocketAddress(port) : new InetSocketAddress(InetAddress.getByName(host), port));
            report.ok(name, (host == null ? "*" : host) + ":" + port + " is free to listen on");
        } catch (IOException e) {
            report.warn(name, (host == null ? "*" : host) + ":" + port + " cannot be bound now (" + e.getMessage()
                    + "); a running instance holds it, or another program does", key,
                    "stop what holds the port, or choose another " + key);
        }
    }
}
