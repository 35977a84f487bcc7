package io.fabstir.enrichers;

/**
 * A setting that cannot work, naming its key (the dotted YAML path, e.g. {@code formats.custom[0].match}) and what to
 * do about it. The shape every configuration error of the toolkit shares, so a loader can pass one on under its own
 * type without losing the key.
 */
public class SettingException extends RuntimeException {

    private final String key;
    private final String reason;

    public SettingException(String key, String reason) {
        super(key + ": " + reason);
        this.key = key;
        this.reason = reason;
    }

    /** The dotted key of the setting. */
    public String key() {
        return key;
    }

    /** The message without the key: what is wrong and the fix. */
    public String reason() {
        return reason;
    }
}
