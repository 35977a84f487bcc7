package io.fabstir.shipper.config;

/** A setting is missing or wrong; the message names the key, where the value came from, and how to fix it. */
public final class ConfigException extends RuntimeException {

    private final String key;

    public ConfigException(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
