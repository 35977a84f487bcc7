package io.fabstir.shipper.tail;

import io.fabstir.shipper.check.CheckReport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code check tail}'s {@code paths}: what each glob matches now, as {@code tail} will discover it. A match this user
 * cannot read fails (its lines would never ship); a glob matching nothing yet is a warning (the node may not have
 * written its first file; new files are picked up while running); a base folder this user cannot list fails.
 */
public final class PathCheck {
    private PathCheck() {
    }

    public static void run(CheckReport report, List<String> patterns) {
        String user = System.getProperty("user.name", "this user");
        for (String pattern : patterns) {
            String name = "paths " + pattern;
            Glob g = new Glob(pattern);
            if (g.base != null && Files.isDirectory(g.base) && !(Files.isReadable(g.base) && Files.isExecutable(g.base))) {
                report.failed(name, user + " cannot list " + g.base, "paths", "give " + user + " read and search "
                        + "access to " + g.base + " (e.g. its group, with the node writing mode 0640 files)");
                continue;
            }
            List<Path> files = g.matches();
            if (files.isEmpty()) {
                report.warn(name, "matches no file yet" + (g.base == null || !Files.isDirectory(g.base)
                        ? " (" + g.base + " does not exist)" : " in " + g.base), "paths",
                        "check the pattern against where the node writes; files that appear later are picked up");
                continue;
            }
            List<String> unreadable = new ArrayList<>();
            for (Path f : files) {
                if (!Files.isReadable(f)) {
                    unreadable.add(f.toString());
                }
            }
            if (unreadable.isEmpty()) {
                report.ok(name, files.size() + " file" + (files.size() == 1 ? "" : "s") + ", all readable by " + user);
            } else {
                report.failed(name, unreadable.size() + " of " + files.size() + " files are not readable by " + user
                        + ": " + String.join(", ", unreadable.subList(0, Math.min(5, unreadable.size()))), "paths",
                        "give " + user + " read access (e.g. the node's log group and mode 0640)");
            }
        }
    }
}
