package io.fabstir.shipper.config;

import io.fabstir.enrichers.SettingException;

/** A setting is missing or wrong; the message names the key, where the value came from, and how to fix it. */
public final class ConfigException extends SettingException {

    public ConfigException(String key, String message) {
        super(key, message);
    }
}
