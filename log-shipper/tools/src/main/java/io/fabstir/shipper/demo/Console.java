package io.fabstir.shipper.demo;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/** The demo's own output: one line per step, prefixed with the time since the command started. */
final class Console {
    private final PrintWriter out;
    private final Instant start;

    Console(PrintWriter out, Instant start) {
        this.out = out;
        this.start = start;
    }

    double secondsSinceStart() {
        return secondsSinceStart(Instant.now());
    }

    double secondsSinceStart(Instant t) {
        return Duration.between(start, t).toMillis() / 1000.0;
    }

    synchronized void step(String format, Object... args) {
        out.printf(Locale.ROOT, "[%6.1fs] %s%n", secondsSinceStart(), String.format(Locale.ROOT, format, args));
        out.flush();
    }

    synchronized void line(String format, Object... args) {
        out.printf(Locale.ROOT, format + "%n", args);
        out.flush();
    }

    /** A line printed as is (record contents may hold '%'). */
    synchronized void raw(String text) {
        out.println(text);
        out.flush();
    }

    synchronized void blank() {
        out.println();
        out.flush();
    }
}
