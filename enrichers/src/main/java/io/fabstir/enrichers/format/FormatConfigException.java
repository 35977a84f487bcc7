package io.fabstir.enrichers.format;

/** A {@code formats:} setting that cannot work, naming its YAML key and what to do about it. */
public final class FormatConfigException extends IllegalArgumentException {

    private final String key;

    public FormatConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The YAML key, e.g. {@code formats.custom[0].match}. */
    public String key() {
        return key;
    }
}
