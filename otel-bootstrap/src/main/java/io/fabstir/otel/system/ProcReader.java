package io.fabstir.otel.system;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses the {@code /proc} files the host metrics come from; each parser takes the file's text, for tests. */
final class ProcReader {

  /** File systems that hold data; pseudo file systems (proc, cgroup, overlay layers of images…) are left out. */
  private static final Set<String> DATA_FS =
      Set.of("ext2", "ext3", "ext4", "xfs", "btrfs", "zfs", "f2fs", "vfat", "exfat", "ntfs", "ntfs3", "nfs", "nfs4",
          "cifs", "fuseblk", "overlay", "tmpfs");
  private static final int MAX_MOUNTS = 32;

  private final Path proc;
  private long[] lastCpu;

  ProcReader(Path proc) {
    this.proc = proc;
  }

  SystemSample read() {
    double[] load = loadAverage(text("loadavg"));
    return new SystemSample(
        load[0],
        load[1],
        load[2],
        cpuUsedPercent(text("stat")),
        memoryUsedPercent(text("meminfo")),
        diskUsedPercent(text("mounts")),
        networkBytes(text("net/dev")));
  }

  private String text(String file) {
    try {
      return Files.readString(proc.resolve(file));
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  static double[] loadAverage(String loadavg) {
    String[] f = loadavg.trim().split("\\s+");
    if (f.length < 3) {
      return new double[] {Double.NaN, Double.NaN, Double.NaN};
    }
    return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
  }

  /** Busy share of all CPU time since the previous call ({@code /proc/stat}'s first line); NaN on the first. */
  double cpuUsedPercent(String stat) {
    if (!stat.startsWith("cpu ")) {
      return Double.NaN;
    }
    String[] f = stat.substring(0, stat.indexOf('\n') < 0 ? stat.length() : stat.indexOf('\n')).trim().split("\\s+");
    long total = 0;
    long idle = 0;
    for (int i = 1; i < f.length && i <= 8; i++) {
      long v = Long.parseLong(f[i]);
      total += v;
      if (i == 4 || i == 5) { // idle, iowait
        idle += v;
      }
    }
    long[] now = {total, idle};
    long[] before = lastCpu;
    lastCpu = now;
    if (before == null || now[0] <= before[0]) {
      return Double.NaN;
    }
    double busy = (now[0] - before[0]) - (now[1] - before[1]);
    return 100.0 * busy / (now[0] - before[0]);
  }

  static double memoryUsedPercent(String meminfo) {
    long total = -1;
    long available = -1;
    for (String line : meminfo.split("\n")) {
      if (line.startsWith("MemTotal:")) {
        total = kib(line);
      } else if (line.startsWith("MemAvailable:")) {
        available = kib(line);
      }
    }
    return total <= 0 || available < 0 ? Double.NaN : 100.0 * (total - available) / total;
  }

  private static long kib(String line) {
    String[] f = line.trim().split("\\s+");
    return Long.parseLong(f[1]);
  }

  /** Used share of each mounted data file system, by mount point (the first {@value #MAX_MOUNTS}). */
  static Map<String, Double> diskUsedPercent(String mounts) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (String line : mounts.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 3 || !DATA_FS.contains(f[2]) || out.size() >= MAX_MOUNTS) {
        continue;
      }
      String mount = f[1].replace("\\040", " ");
      if (mount.startsWith("/proc") || mount.startsWith("/sys") || mount.startsWith("/dev") || mount.startsWith("/run")) {
        continue;
      }
      try {
        FileStore store = Files.getFileStore(Path.of(mount));
        long total = store.getTotalSpace();
        if (total > 0) {
          out.put(mount, 100.0 * (total - store.getUsableSpace()) / total);
        }
      } catch (IOException | RuntimeException e) {
        // unmounted meanwhile, or not ours to read
      }
    }
    return out;
  }

  /** {received, sent} bytes per interface from {@code /proc/net/dev}, loopback left out. */
  static Map<String, long[]> networkBytes(String netDev) {
    Map<String, long[]> out = new LinkedHashMap<>();
    for (String line : netDev.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String iface = line.substring(0, colon).trim();
      String[] f = line.substring(colon + 1).trim().split("\\s+");
      if (iface.equals("lo") || f.length < 9) {
        continue;
      }
      out.put(iface, new long[] {Long.parseLong(f[0]), Long.parseLong(f[8])});
    }
    return out;
  }

  static List<String> dataFileSystems() {
    return List.copyOf(DATA_FS);
  }
}
