package io.fabstir.otel.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvmlLocatorTest {

  @TempDir Path dir;

  @Test
  void configuredPathIsUsedOnlyWhenTheFileExists() throws Exception {
    Path lib = Files.createFile(dir.resolve("libnvidia-ml.so.1"));
    assertThat(NvmlLocator.locate(lib.toString())).contains(lib);
    assertThat(NvmlLocator.locate(dir.resolve("missing.so").toString())).isEmpty();
  }

  @Test
  void aBareNameIsSearchedOnJnaLibraryPath() throws Exception {
    Path lib = Files.createFile(dir.resolve("libnvidia-ml.so"));
    String old = System.getProperty("jna.library.path");
    System.setProperty("jna.library.path", dir.toString());
    try {
      assertThat(NvmlLocator.locate("nvidia-ml")).contains(lib);
    } finally {
      if (old == null) {
        System.clearProperty("jna.library.path");
      } else {
        System.setProperty("jna.library.path", old);
      }
    }
  }

  @Test
  void linkerConfigDirectoriesAreSearched() throws Exception {
    Path conf = Files.createDirectory(dir.resolve("ld.so.conf.d"));
    Files.writeString(conf.resolve("nvidia.conf"), "# driver\n/usr/lib/nvidia-550\n\n");
    Files.writeString(conf.resolve("ignored.txt"), "/nowhere\n");
    assertThat(NvmlLocator.ldConfigDirs(conf)).containsExactly("/usr/lib/nvidia-550");
  }
}
