package io.fabstir.otel.http;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A credential read from a file named by a setting. A missing, unreadable or empty file, or one that every user of
 * the host can read, stops the start with the setting's name and the fix: the port never opens on a credential
 * that is not there, nor on one that is not secret.
 */
final class SecretFile {

  private SecretFile() {}

  /** The file's bytes, checked as above. */
  static byte[] read(String key, String location) {
    Path path = check(key, location);
    try {
      byte[] bytes = Files.readAllBytes(path);
      if (bytes.length == 0) {
        throw new ConfigurationException(key + ": " + path + " is empty");
      }
      return bytes;
    } catch (IOException e) {
      throw new ConfigurationException(key + ": cannot read " + path + " (" + e.getMessage() + ")", e);
    }
  }

  /** The file's first line, without surrounding blanks (a trailing newline from an editor is not part of it). */
  static String firstLine(String key, String location) {
    String text = new String(read(key, location), StandardCharsets.UTF_8);
    int nl = text.indexOf('\n');
    String line = (nl < 0 ? text : text.substring(0, nl)).strip();
    if (line.isEmpty()) {
      throw new ConfigurationException(key + ": the first line of " + location + " is empty");
    }
    return line;
  }

  /** The path, after checking it exists, is a readable regular file, and is not readable by others. */
  static Path check(String key, String location) {
    Path path = Path.of(location.strip());
    if (!Files.isRegularFile(path)) {
      throw new ConfigurationException(key + ": no such file " + path + " (" + key + " names the file that holds the"
          + " credential; create it, readable by this user only, or unset " + key + ")");
    }
    if (!Files.isReadable(path)) {
      throw new ConfigurationException(key + ": " + path + " is not readable by this process's user");
    }
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(path);
      if (mode.contains(PosixFilePermission.OTHERS_READ)) {
        throw new ConfigurationException(key + ": " + path + " is readable by every user of the host (mode "
            + PosixFilePermissions.toString(mode) + "); restrict it: chmod 600 " + path
            + " (or 640 with a group of its readers)");
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: nothing to check
    } catch (IOException e) {
      throw new ConfigurationException(key + ": cannot read the mode of " + path + " (" + e.getMessage() + ")", e);
    }
    return path;
  }
}
