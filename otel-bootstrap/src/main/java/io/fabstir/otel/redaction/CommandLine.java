package io.fabstir.otel.redaction;

import io.opentelemetry.sdk.resources.Resource;
import java.util.List;

/**
 * Takes the JVM's command line off the resource. The official agent's process detector adds
 * {@code process.command_args} / {@code process.command_line}: every {@code -D} setting, such as
 * {@code -Dsentry.dsn=https://<key>@…} or a database password, on every exported span and metric batch. No rule
 * can tell which {@code -D} value is a secret, so the attributes are dropped whole; {@code process.pid},
 * {@code process.executable.path} and the runtime's name and version stay.
 */
public final class CommandLine {

  static final List<String> ATTRIBUTES = List.of("process.command_args", "process.command_line");

  private CommandLine() {}

  public static Resource without(Resource resource) {
    boolean[] present = {false};
    resource.getAttributes().forEach((k, v) -> present[0] |= ATTRIBUTES.contains(k.getKey()));
    return present[0] ? resource.toBuilder().removeIf(k -> ATTRIBUTES.contains(k.getKey())).build() : resource;
  }
}
