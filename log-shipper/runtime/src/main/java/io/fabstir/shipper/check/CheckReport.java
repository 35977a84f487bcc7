package io.fabstir.shipper.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.shipper.check.CheckResult.Status;
import io.fabstir.shipper.config.ConfigException;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The results of {@code fabstir-shipper check}: one line per check, printed as text
 * ({@code STATUS  name  detail [key: …] [fix: …]}) or as one JSON object ({@code --json}).
 */
public final class CheckReport {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One check's work; returns normally when it added its result. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private final String command;
    private final List<CheckResult> results = new ArrayList<>();

    public CheckReport(String command) {
        this.command = command;
    }

    public String command() {
        return command;
    }

    public void ok(String name, String detail) {
        add(new CheckResult(name, Status.OK, detail, null, null));
    }

    public void warn(String name, String detail, String key, String fix) {
        add(new CheckResult(name, Status.WARN, detail, key, fix));
    }

    public void failed(String name, String detail, String key, String fix) {
        add(new CheckResult(name, Status.FAILED, detail, key, fix));
    }

    /** A setting is wrong: the exception's message already names the key and says what to do. */
    public void failed(String name, ConfigException e) {
        String prefix = e.key() + ": ";
        String message = e.getMessage().startsWith(prefix) ? e.getMessage().substring(prefix.length()) : e.getMessage();
        add(new CheckResult(name, Status.FAILED, message, e.key(), null));
    }

    public void skipped(String name, String why) {
        add(new CheckResult(name, Status.SKIPPED, why, null, null));
    }

    public void add(CheckResult r) {
        results.add(r);
    }

    /**
     * Runs a check; a {@link ConfigException} it throws becomes a failed line naming the key, any other exception a
     * failed line with its message (a check reports, it never ends {@code check} with a stack trace). Returns whether
     * the check added no failure.
     */
    public boolean run(String name, Body body) {
        int before = failures();
        try {
            body.run();
        } catch (ConfigException e) {
            failed(name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(name, "interrupted", null, null);
        } catch (Exception | LinkageError e) {
            failed(name, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()),
                    null, null);
        }
        return failures() == before;
    }

    private int failures() {
        return (int) results.stream().filter(r -> r.status() == Status.FAILED).count();
    }

    /** No check failed (warnings allowed). */
    public boolean passed() {
        return failures() == 0;
    }

    public List<CheckResult> results() {
        return Collections.unmodifiableList(results);
    }

    /** One line per check, then a summary line. */
    public void printText(PrintWriter out) {
        int width = results.stream().mapToInt(r -> r.name().length()).max().orElse(10);
        for (CheckResult r : results) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-7s %-" + width + "s  %s",
                    r.status().name().toLowerCase(Locale.ROOT), r.name(), oneLine(r.detail())));
            if (r.key() != null && r.status() != Status.OK) {
                line.append(" [key: ").append(r.key()).append(']');
            }
            if (r.fix() != null) {
                line.append(" [fix: ").append(oneLine(r.fix())).append(']');
            }
            out.println(line);
        }
        out.println(summary());
        out.flush();
    }

    public void printJson(PrintWriter out) {
        ObjectNode root = JSON.createObjectNode();
        root.put("command", command);
        root.put("passed", passed());
        ArrayNode checks = root.putArray("checks");
        for (CheckResult r : results) {
            ObjectNode c = checks.addObject();
            c.put("name", r.name());
            c.put("status", r.status().name().toLowerCase(Locale.ROOT));
            c.put("detail", r.detail());
            if (r.key() != null) {
                c.put("key", r.key());
            }
            if (r.fix() != null) {
                c.put("fix", r.fix());
            }
        }
        out.println(root.toString());
        out.flush();
    }

    String summary() {
        long[] n = new long[Status.values().length];
        results.forEach(r -> n[r.status().ordinal()]++);
        return "check " + command + ": " + (passed() ? "passed" : "FAILED") + " (" + n[Status.OK.ordinal()] + " ok, "
                + n[Status.WARN.ordinal()] + " warnings, " + n[Status.FAILED.ordinal()] + " failed, "
                + n[Status.SKIPPED.ordinal()] + " skipped)";
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').replace('\r', ' ');
    }
}
