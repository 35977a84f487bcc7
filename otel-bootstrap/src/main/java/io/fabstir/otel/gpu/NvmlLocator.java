package io.fabstir.otel.gpu;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the NVML shared library on disk before anything loads JNA, so a host without NVIDIA drivers gets its
 * "no GPU" answer from a few file checks instead of paying for JNA's native set-up. Searched: the configured
 * path or name, {@code jna.library.path}, {@code LD_LIBRARY_PATH}, the dynamic linker's configured directories
 * ({@code /etc/ld.so.conf.d}) and the usual driver locations.
 */
final class NvmlLocator {

  static final List<String> DEFAULT_NAMES = List.of("libnvidia-ml.so.1", "libnvidia-ml.so");
  private static final List<String> USUAL_DIRS =
      List.of(
          "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu",
          "/lib/aarch64-linux-gnu", "/lib64", "/lib", "/usr/local/nvidia/lib64", "/usr/local/nvidia/lib",
          "/usr/local/cuda/lib64", "/usr/lib/wsl/lib");

  private NvmlLocator() {}

  /** The library file to load, or empty with nothing loaded. */
  static Optional<Path> locate(String configured) {
    if (configured != null && configured.contains(File.separator)) {
      Path path = Path.of(configured);
      return Files.isRegularFile(path) ? Optional.of(path) : Optional.empty();
    }
    List<String> names =
        configured == null || configured.isBlank()
            ? DEFAULT_NAMES
            : List.of(configured, "lib" + configured + ".so.1", "lib" + configured + ".so");
    for (String dir : searchDirs()) {
      for (String name : names) {
        Path candidate = Path.of(dir, name);
        if (Files.isRegularFile(candidate)) {
          return Optional.of(candidate);
        }
      }
    }
    return Optional.empty();
  }

  static Set<String> searchDirs() {
    Set<String> dirs = new LinkedHashSet<>();
    addPath(dirs, System.getProperty("jna.library.path"));
    addPath(dirs, System.getenv("LD_LIBRARY_PATH"));
    dirs.addAll(ldConfigDirs(Path.of("/etc/ld.so.conf.d")));
    dirs.addAll(USUAL_DIRS);
    return dirs;
  }

  private static void addPath(Set<String> dirs, String path) {
    if (path != null) {
      for (String d : path.split(File.pathSeparator)) {
        if (!d.isBlank()) {
          dirs.add(d);
        }
      }
    }
  }

  /** Directory lines of /etc/ld.so.conf.d/*.conf (where driver packages register e.g. /usr/lib/nvidia-550). */
  static List<String> ldConfigDirs(Path confDir) {
    List<String> dirs = new ArrayList<>();
    if (!Files.isDirectory(confDir)) {
      return dirs;
    }
    try (DirectoryStream<Path> confs = Files.newDirectoryStream(confDir, "*.conf")) {
      for (Path conf : confs) {
        for (String line : Files.readAllLines(conf)) {
          String l = line.strip();
          if (l.startsWith("/")) {
            dirs.add(l);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // unreadable linker config: the usual directories still apply
    }
    return dirs;
  }
}
