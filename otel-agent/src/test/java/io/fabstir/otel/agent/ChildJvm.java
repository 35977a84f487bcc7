package io.fabstir.otel.agent;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** What the agent tests need to start an application JVM under {@code -javaagent:fabstir-otel-agent.jar}. */
final class ChildJvm {

  private ChildJvm() {}

  static String javaBin() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  static String agentJar() {
    return System.getProperty("fabstir.agent.jar");
  }

  /**
   * Only what a real app would have: the OpenTelemetry API, Logback, otel-bootstrap and enrichers (the include and
   * encoder; its test jar for the secret corpus), and its own Jackson 2.15. No OpenTelemetry SDK: under the agent
   * the app-side API must not need it.
   */
  static String appClasspath() throws IOException {
    List<String> entries = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String name = Path.of(entry).getFileName().toString();
      boolean keep = entry.endsWith("test-classes")
          || entry.contains("otel-bootstrap")
          || name.startsWith("enrichers") || entry.contains(File.separator + "enrichers" + File.separator)
          || Stream.of("opentelemetry-api-", "opentelemetry-context-", "opentelemetry-common-",
              "logback-classic-", "logback-core-", "slf4j-api-").anyMatch(name::startsWith);
      if (keep) {
        entries.add(entry);
      }
    }
    try (Stream<Path> jars = Files.list(Path.of(System.getProperty("fabstir.test.app.lib")))) {
      jars.map(Path::toString).forEach(entries::add);
    }
    return String.join(File.pathSeparator, entries);
  }

  static String resource(String name) throws Exception {
    return Path.of(ChildJvm.class.getClassLoader().getResource(name).toURI()).toString();
  }

  static String read(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
