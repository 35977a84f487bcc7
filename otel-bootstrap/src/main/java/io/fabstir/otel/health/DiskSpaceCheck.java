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
    double ratio = freeRatio();
    String detail = String.format(java.util.Locale.ROOT, "%s: %.1f%% free", path, ratio * 100);
    if (ratio < unhealthyBelow) {
      return HealthResult.unhealthy(detail);
    }
    return ratio < degradedBelow ? HealthResult.degraded(detail) : HealthResult.healthy(detail);
  }
}
