package io.fabstir.otel.gpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Compiles the NVML stub (src/test/resources/nvml/stub_nvml.c) into a shared library with the machine's gcc. */
public final class StubNvml {

  private StubNvml() {}

  public static Path compile(Path dir) throws IOException, InterruptedException {
    Path source = dir.resolve("stub_nvml.c");
    try (var in = StubNvml.class.getResourceAsStream("/nvml/stub_nvml.c")) {
      Files.copy(in, source);
    }
    Path library = dir.resolve("libnvidia-ml.so");
    Process gcc =
        new ProcessBuilder("gcc", "-shared", "-fPIC", "-O2", "-o", library.toString(), source.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(gcc.getInputStream().readAllBytes());
    if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
      throw new IOException("gcc failed: " + output);
    }
    return library;
  }
}
