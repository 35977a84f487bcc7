package io.fabstir.enrichers.format;

import io.fabstir.enrichers.SettingException;

/** A {@code formats:} setting that cannot work, naming its YAML key and what to do about it. */
public final class FormatConfigException extends SettingException {

    public FormatConfigException(String key, String message) {
        super(key, message);
    }
}
