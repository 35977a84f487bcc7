package io.fabstir.enrichers.format;

/**
 * Told of every record the mapper rewrote, with its format's name (a built-in name or a configured custom one, so
 * bounded and safe as a metric label). Not told of records already in ECS or of unknown ones. Called on the
 * enriching thread; keep it cheap.
 */
@FunctionalInterface
public interface FormatCounter {

    FormatCounter NONE = format -> { };

    void mapped(String format);
}
