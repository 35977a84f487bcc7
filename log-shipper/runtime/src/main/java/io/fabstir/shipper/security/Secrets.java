package io.fabstir.shipper.security;

import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.config.Settings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Reads a credential from where credentials may be kept: a file (the setting {@code <key>_file}) or an environment
 * variable ({@code FABSTIR_<KEY>}), never a plain setting or flag, which {@code ps}, shell history and configuration
 * dumps show. The value is trimmed (a trailing newline is what editors leave); an empty file is an error.
 */
public final class Secrets {
    private static final Logger LOG = LoggerFactory.getLogger(Secrets.class);

    private Secrets() {
    }

    /**
     * The secret {@code key} (e.g. {@code kafka.security.password}): the variable {@code FABSTIR_KAFKA_SECURITY_PASSWORD},
     * else the file named by {@code kafka.security.password_file}; null when neither is set.
     */
    public static String read(ConfigSource s, String key) {
        String env = Settings.envName(key);
        String fileKey = key + "_file";
        String fromEnv = s.env().get(env);
        String file = s.get(fileKey);
        if (fromEnv != null && !fromEnv.isBlank()) {
            if (file != null) {
                throw new ConfigException(fileKey, "is set (" + s.origin(fileKey) + ") and so is " + env
                        + ": give the secret one way only");
            }
            return fromEnv.trim();
        }
        return file == null ? null : fromFile(fileKey, Path.of(file));
    }

    /** The trimmed content of a secret file; the error names {@code fileKey}. */
    public static String fromFile(String fileKey, Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ConfigException(fileKey, "cannot read " + file + ": create it (mode 600) with the secret alone");
        }
        String value;
        try {
            value = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new ConfigException(fileKey, "cannot read " + file + ": " + e.getMessage());
        }
        if (value.isEmpty()) {
            throw new ConfigException(fileKey, file + " is empty: write the secret into it");
        }
        warnIfShared(fileKey, file);
        return value;
    }

    private static void warnIfShared(String fileKey, Path file) {
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ) || perms.contains(PosixFilePermission.GROUP_READ)) {
                LOG.warn("{}: {} is readable by other users; chmod 600 it", fileKey, file);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // not a POSIX file system: nothing to say
        }
    }
}
