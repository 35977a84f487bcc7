package io.fabstir.templates.clash;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where a scalar goes when the template declares an object at its path: the ECS field that holds that kind of value
 * ({@code host} → {@code host.name}). Candidates are tried in order; the first that is free in the record and whose
 * template type takes the value wins. Objects with no natural scalar field are listed in {@link #LABELS}: their value
 * goes to {@code labels.<path_with_underscores>} (a keyword, still searchable). A unit test checks every target
 * against the template and that every object the template declares has a decision here, so the two cannot drift.
 */
final class ScalarHomes {

    /** A candidate field; {@code numbersOnly} for numeric ids ({@code user: 42} → {@code user.id}). */
    record Home(String path, boolean numbersOnly) {
        static Home any(String path) {
            return new Home(path, false);
        }

        static Home number(String path) {
            return new Home(path, true);
        }
    }

    static final Map<String, List<Home>> TABLE = Map.ofEntries(
            Map.entry("error", List.of(Home.any("error.message"))),
            Map.entry("host", List.of(Home.any("host.name"))),
            Map.entry("service", List.of(Home.any("service.name"))),
            Map.entry("service.node", List.of(Home.any("service.node.name"))),
            Map.entry("event", List.of(Home.any("event.action"))),
            // Docker's json-file and CRI write the application's line under "log".
            Map.entry("log", List.of(Home.any("message"))),
            Map.entry("log.file", List.of(Home.any("log.file.path"))),
            Map.entry("log.origin.file", List.of(Home.any("log.origin.file.name"))),
            Map.entry("process", List.of(Home.number("process.pid"), Home.any("process.name"))),
            Map.entry("process.thread", List.of(Home.number("process.thread.id"), Home.any("process.thread.name"))),
            Map.entry("user", List.of(Home.number("user.id"), Home.any("user.name"))),
            Map.entry("trace", List.of(Home.any("trace.id"))),
            Map.entry("span", List.of(Home.any("span.id"))),
            Map.entry("transaction", List.of(Home.any("transaction.id"))),
            Map.entry("deployment", List.of(Home.any("deployment.environment"))),
            // ECS: url.original is the URL as it was written, unparsed.
            Map.entry("url", List.of(Home.any("url.original"))),
            // A bare number under http.response is its status code (pino-http, morgan); anything else is a label.
            Map.entry("http.response", List.of(Home.number("http.response.status_code"))),
            // ECS: tags is the list of keywords tagging an event; a scalar "labels" is one.
            Map.entry("labels", List.of(Home.any("tags"))),
            Map.entry("fabstir.job", List.of(Home.any("fabstir.job.id"))),
            Map.entry("fabstir.audit", List.of(Home.any("fabstir.audit.action"))),
            Map.entry("fabstir.perf", List.of(Home.any("fabstir.perf.operation"))),
            Map.entry("fabstir.gpu", List.of(Home.number("fabstir.gpu.index"), Home.any("fabstir.gpu.name"))));

    /** Objects whose scalar has no ECS field of its own: it goes to {@code labels.<path_with_underscores>}. */
    static final Set<String> LABELS = Set.of(
            "log.origin", "http", "http.request", "fabstir", "fabstir.gpu.start", "fabstir.gpu.peak",
            "fabstir.gpu.avg", "fabstir.field", "fabstir.overflow", "fabstir.original", "fabstir.source");

    private ScalarHomes() {
    }

    /** The candidates for a scalar at {@code objectPath}; empty when it goes to labels. */
    static List<Home> of(String objectPath) {
        return TABLE.getOrDefault(objectPath, List.of());
    }

    /** The labels key a scalar at {@code objectPath} falls back to ({@code log.origin} → {@code labels.log_origin}). */
    static String labelFor(String objectPath) {
        return "labels." + objectPath.replace('.', '_');
    }
}
