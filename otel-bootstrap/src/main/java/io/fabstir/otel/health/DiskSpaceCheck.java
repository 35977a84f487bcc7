package io.fabstir.otel.health;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/** Free-space ratio of the file system holding {@code path}: degraded and unhealthy below the given ratios. */
public final class DiskSpaceCheck implements HealthCheck {

  private final Path path;
  private final double degradedBelow;
  private final double unhealthyBelow;

  public DiskSpaceCheck(Path path, double degradedBelow, double unhealthyBelow) {
    if (unhealthyBelow > degradedBelow) {
      throw new IllegalArgumentException("unhealthyBelow must not exceed degradedBelow");
    }
    this.path = path;
    this.degradedBelow = degradedBelow;
    this.unhealthyBelow = unhealthyBelow;
  }

  public Path path() {
    return path;
  }

  /** Usable / total bytes of the file system, 0..1. */
  public double freeRatio() throws IOException {
    FileStore store = Files.getFileStore(path);
    long total = store.getTotalSpace();
    return total <= 0 ? 0.0 : (double) store.getUsableSpace() / total;
  }

  @Override
  public HealthResult check() throws IOException {
    FileStore store = Files.getFileStore(path);
    long total = store.getTotalSpace();
    long usable = store.getUsableSpace();
    double ratio = total <= 0 ? 0.0 : (double) usable / total;
    String detail = String.format(java.util.Locale.ROOT, "%s: %.1f%% free", path, ratio * 100);
    HealthResult result =
        ratio < unhealthyBelow
            ? HealthResult.unhealthy(detail)
            : ratio < degradedBelow ? HealthResult.degraded(detail) : HealthResult.healthy(detail);
    return result
        .withDetail("path", path.toString())
        .withDetail("free_percent", round(ratio * 100))
        .withDetail("free_gb", round(usable / 1e9))
        .withDetail("total_gb", round(total / 1e9));
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
