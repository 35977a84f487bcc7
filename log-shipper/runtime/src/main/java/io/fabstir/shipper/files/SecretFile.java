package io.fabstir.shipper.files;

import io.fabstir.shipper.config.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A secret kept in a file named by a setting (a token, a password, a webhook URL, an RPC URL with its key), read
 * once at start. What stops the start, with the setting's name and the fix: a file that is missing, not readable,
 * empty, holds more than one line, or is readable by every user of the host (then anyone with a shell on the node
 * has the secret: {@code chmod 600}, or {@code 640} with a group of its readers). The same rules as the node's own
 * credential files ({@code fabstir.http.auth.token-file}).
 */
public final class SecretFile {
    private SecretFile() {
    }

    /** The file's one line, without surrounding blanks (an editor's trailing newline is not part of it). */
    public static String readLine(String key, Path file) {
        checkPrivate(key, file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new ConfigException(key, "cannot read " + file + " (" + e.getMessage() + ")");
        }
        if (text.isEmpty()) {
            throw new ConfigException(key, file + " is empty: write the secret into it, alone on one line");
        }
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new ConfigException(key, file + " holds more than one line: keep the secret alone in it");
        }
        return text;
    }

    /**
     * Checks that {@code file} is a readable regular file that not every user of the host can read.
     *
     * @throws ConfigException naming {@code key} otherwise
     */
    public static void checkPrivate(String key, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(key, "no such file " + file + " (" + key + " names the file that holds the "
                    + "secret; create it with the secret alone, readable by this user only: chmod 600)");
        }
        if (!Files.isReadable(file)) {
            throw new ConfigException(key, file + " is not readable by this process's user");
        }
        Set<PosixFilePermission> mode;
        try {
            mode = Files.getPosixFilePermissions(file);
        } catch (UnsupportedOperationException e) {
            return; // not a POSIX file system: nothing to check
        } catch (IOException e) {
            throw new ConfigException(key, "cannot read the mode of " + file + " (" + e.getMessage() + ")");
        }
        if (mode.contains(PosixFilePermission.OTHERS_READ)) {
            throw new ConfigException(key, file + " is readable by every user of the host (mode "
                    + PosixFilePermissions.toString(mode) + "); restrict it: chmod 600 " + file
                    + " (or 640 with a group of its readers)");
        }
    }
}
