package io.fabstir.otel.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Compiles the NVML stub (src/test/resources/nvml/stub_nvml.c) into a shared library with the machine's gcc. */
public final class StubNvml {

  private StubNvml() {}

  public static Path compile(Path dir) throws IOException, InterruptedException {
    return compile(dir, new String[0]);
  }

  /** With {@code defines} such as {@code STUB_POWER_RC_1=3}: that query of that device returns the NVML error. */
  public static Path compile(Path dir, String... defines) throws IOException, InterruptedException {
    Path source = dir.resolve("stub_nvml.c");
    if (!Files.exists(source)) {
      try (var in = StubNvml.class.getResourceAsStream("/nvml/stub_nvml.c")) {
        Files.copy(in, source);
      }
    }
    Path library = dir.resolve(defines.length == 0 ? "libnvidia-ml.so"
        : "libnvidia-ml-" + Integer.toHexString(String.join(",", defines).hashCode()) + ".so");
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("gcc", "-shared", "-fPIC", "-O2"));
    for (String d : defines) {
      cmd.add("-D" + d);
    }
    cmd.addAll(java.util.List.of("-o", library.toString(), source.toString()));
    Process gcc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(gcc.getInputStream().readAllBytes());
    if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
      throw new IOException("gcc failed: " + output);
    }
    return library;
  }
}
