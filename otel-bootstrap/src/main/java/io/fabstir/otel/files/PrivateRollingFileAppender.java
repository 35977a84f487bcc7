package io.fabstir.otel.files;

import ch.qos.logback.core.rolling.RollingFileAppender;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Logback's rolling file appender whose files are {@code 0640} (owner writes, the owner's group reads: run the edge
 * shipper as the owner or in that group) and whose folders it creates are {@code 0750}, whatever the umask: the log
 * holds job ids, wallet addresses and error texts, and other users of the host have no business reading them.
 * The active file is created with its mode before Logback opens it; one that exists with a looser mode is
 * tightened, and so are the rolled archives (a compressed one, written in the background, at the next roll or
 * start). An existing folder that every user can enter is reported on Logback's status, not changed.
 */
public class PrivateRollingFileAppender<E> extends RollingFileAppender<E> {

  static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-r-----");
  static final Set<PosixFilePermission> FOLDER_MODE = PosixFilePermissions.fromString("rwxr-x---");
  /** What a log file may have beyond {@link #FILE_MODE}: nothing. */
  private static final Set<PosixFilePermission> LOOSER = EnumSet.complementOf(EnumSet.copyOf(FILE_MODE));

  private boolean folderChecked;

  @Override
  public void openFile(String fileName) throws IOException {
    prepare(Path.of(fileName));
    super.openFile(fileName);
  }

  @Override
  public void rollover() {
    super.rollover();
    String file = getFile();
    if (file != null) {
      tightenArchives(Path.of(file));
    }
  }

  private void prepare(Path file) {
    boolean first = !folderChecked;
    folderChecked = true;
    try {
      Path folder = file.toAbsolutePath().getParent();
      if (folder != null) {
        createFolders(folder);
        if (first) {
          Set<PosixFilePermission> mode = Files.getPosixFilePermissions(folder);
          if (mode.contains(PosixFilePermission.OTHERS_EXECUTE)) {
            addWarn("the log folder " + folder + " can be entered by every user of the host (mode "
                + PosixFilePermissions.toString(mode) + "); restrict it (chmod o-rwx), or point fabstir.log.dir at a"
                + " folder of the node's own");
          }
        }
      }
      try {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(FILE_MODE));
      } catch (FileAlreadyExistsException e) {
        tighten(file);
      }
      if (first) {
        tightenArchives(file); // what earlier runs left
      }
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: its own access rules apply
    } catch (IOException e) {
      addWarn("could not set the mode of " + file + " to rw-r-----: " + e.getMessage());
    }
  }

  /** Creates the missing folders of {@code folder}, each 0750 (less where the umask says so). */
  private static void createFolders(Path folder) throws IOException {
    if (Files.isDirectory(folder)) {
      return;
    }
    Path parent = folder.getParent();
    if (parent != null) {
      createFolders(parent);
    }
    try {
      Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(FOLDER_MODE));
    } catch (FileAlreadyExistsException e) {
      // made meanwhile
    }
  }

  private void tighten(Path file) {
    try {
      Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
      if (mode.stream().anyMatch(LOOSER::contains)) {
        mode.retainAll(FILE_MODE);
        Files.setPosixFilePermissions(file, mode);
      }
    } catch (IOException | UnsupportedOperationException e) {
      addWarn("could not set the mode of " + file + " to rw-r-----: " + e.getMessage());
    }
  }

  /** The rolled files beside the active one: same base name ({@code fabstir.2026-12-04.0.json[.gz]}). */
  private void tightenArchives(Path active) {
    Path folder = active.toAbsolutePath().getParent();
    String name = active.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String base = (dot > 0 ? name.substring(0, dot) : name) + ".";
    try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, base + "*")) {
      for (Path f : files) {
        if (Files.isRegularFile(f)) {
          tighten(f);
        }
      }
    } catch (IOException | RuntimeException e) {
      addWarn("could not list " + folder + " to set the modes of rolled logs: " + e.getMessage());
    }
  }
}
