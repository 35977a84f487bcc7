package io.fabstir.otel.files;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Logback include's log files are 0640 and the folders it creates 0750, under the usual 022 umask. */
class LogFileModesTest {

  private static final List<String> PROPERTIES = List.of("fabstir.log.dir", "fabstir.log.max-file-size");

  @TempDir Path dir;

  @AfterEach
  void clear() {
    PROPERTIES.forEach(System::clearProperty);
  }

  @Test
  void theActiveFileTheRolledOnesAndTheCreatedFoldersHaveTheirModes() throws Exception {
    Path logs = dir.resolve("node").resolve("logs");
    System.setProperty("fabstir.log.dir", logs.toString());
    System.setProperty("fabstir.log.max-file-size", "1KB");
    LoggerContext ctx = configure();
    Logger log = ctx.getLogger("io.fabstir.node.Worker");
    for (int i = 0; i < 200; i++) {
      log.info("job {} done with a message long enough to roll the file over soon: {}", i, "x".repeat(80));
    }
    ctx.stop();

    assertThat(mode(logs)).isEqualTo("rwxr-x---");
    assertThat(mode(logs.getParent())).isEqualTo("rwxr-x---");
    List<Path> files;
    try (Stream<Path> s = Files.list(logs)) {
      files = s.toList();
    }
    assertThat(files).as("the active file and rolled ones").hasSizeGreaterThan(1);
    for (Path f : files) {
      assertThat(mode(f)).as(f.toString()).isEqualTo("rw-r-----");
    }
  }

  @Test
  void aFileLeftWorldReadableByAnEarlierRunIsTightened() throws Exception {
    Files.createDirectories(dir);
    Path active = dir.resolve("fabstir.json");
    Files.writeString(active, "");
    Path archive = dir.resolve("fabstir.2026-12-01.0.json");
    Files.writeString(archive, "");
    Files.setPosixFilePermissions(active, PosixFilePermissions.fromString("rw-rw-r--"));
    Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString("rw-r--r--"));
    System.setProperty("fabstir.log.dir", dir.toString());
    LoggerContext ctx = configure();
    ctx.getLogger("io.fabstir.node.Worker").info("started");
    ctx.stop();

    assertThat(mode(active)).isEqualTo("rw-r-----");
    assertThat(mode(archive)).isEqualTo("rw-r-----");
  }

  private static LoggerContext configure() throws Exception {
    LoggerContext ctx = new LoggerContext();
    ctx.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(ctx);
    configurator.doConfigure(LogFileModesTest.class.getResource("/fabstir-include-test.xml"));
    return ctx;
  }

  private static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }
}
