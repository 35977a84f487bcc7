package io.fabstir.templates.clash;

/**
 * Told of every clash the resolver settles, for the indexer's metrics ({@code /metrics}). {@code field} is the
 * template's name for the place (a declared path, or a dynamic pattern such as {@code labels.*}), so its values are
 * bounded by the template and safe as a metric label. Called on the resolving thread; keep it cheap.
 */
@FunctionalInterface
public interface ClashCounter {

    ClashCounter NONE = (field, kind) -> { };

    void resolved(String field, ClashKind kind);
}
