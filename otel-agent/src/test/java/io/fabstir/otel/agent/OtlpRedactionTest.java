package io.fabstir.otel.agent;

import static io.fabstir.otel.agent.ChildJvm.appClasspath;
import static io.fabstir.otel.agent.ChildJvm.javaBin;
import static io.fabstir.otel.agent.ChildJvm.read;
import static io.fabstir.otel.agent.ChildJvm.resource;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabstir.enrichers.redact.SecretCorpus;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What leaves the node over OTLP/HTTP protobuf, through the packaged agent, holds no secret: span names,
 * attributes, exception events, status descriptions, resources, and log records once OTLP log export is on. The
 * receiver decodes with the official OTLP classes and the checks run on the bytes as they crossed the wire.
 */
@Tag("integration")
class OtlpRedactionTest {

  /** In the JVM's command line, which the agent's process detector would put on the resource. */
  private static final String DSN_KEY = "0f3e8a1b2c4d5e6f7a8b9c0d1e2f3a4b";

  @TempDir Path dir;

  @Test
  void aFailedJobsConnectionUrlAndEveryCorpusSecretArriveMaskedAndTheLookAlikesUnchanged() throws Exception {
    Path output = dir.resolve("app.out");
    try (OtlpReceiver receiver = new OtlpReceiver()) {
      List<String> cmd = List.of(javaBin(), "-Xmx256m", "-javaagent:" + ChildJvm.agentJar(),
          "-Dotel.exporter.otlp.endpoint=" + receiver.endpoint(), "-Dotel.exporter.otlp.protocol=http/protobuf",
          "-Dotel.bsp.schedule.delay=100", "-Dotel.metric.export.interval=500", "-Dotel.logs.exporter=otlp",
          "-Dotel.service.name=fabstir-redaction-test", "-Dotel.resource.attributes=fabstir.api_key=" + DSN_KEY,
          "-Dsentry.dsn=https://" + DSN_KEY + "@o1.ingest.sentry.io/2", "-Dfabstir.gpu.enabled=false",
          "-Dfabstir.http.enabled=false", "-Dlogback.configurationFile=" + resource("agent-test-app/logback.xml"),
          "-Dfabstir.log.dir=" + dir.resolve("logs"), "-cp", appClasspath(), RedactionTestApp.class.getName());
      Process app = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile()).start();
      try {
        Awaitility.await("spans sent").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
            .until(() -> read(output).contains("SPANS DONE") || !app.isAlive());
        assertThat(read(output)).contains("SPANS DONE");
        try (OutputStream stdin = app.getOutputStream()) {
          stdin.flush();
        } // closing stdin ends the app; the agent exports what is left on the way out
        assertThat(app.waitFor(60, TimeUnit.SECONDS)).as(read(output)).isTrue();
      } finally {
        app.destroyForcibly();
      }
      assertThat(receiver.failures).isEmpty();

      List<Span> spans = new ArrayList<>();
      receiver.spans.forEach(rs -> rs.getScopeSpansList().forEach(ss -> spans.addAll(ss.getSpansList())));
      Span job = spans.stream().filter(s -> s.getName().equals("job.process")).findFirst().orElseThrow();
      assertThat(job.getStatus().getMessage())
          .contains("postgresql://fabstir:[REDACTED]@db.internal:5432/jobs?sslmode=require&token=[REDACTED]");
      Map<String, AnyValue> exception = attributes(job.getEventsList().stream()
          .filter(e -> e.getName().equals("exception")).findFirst().orElseThrow().getAttributesList());
      assertThat(exception.get("exception.message").getStringValue()).contains("token=[REDACTED]");
      assertThat(exception.get("exception.stacktrace").getStringValue())
          .contains("IllegalStateException", "fabstir:[REDACTED]@db.internal");

      assertThat(spans.stream().filter(s -> s.getName().startsWith("corpus "))).hasSize(SecretCorpus.secrets().size());
      assertThat(receiver.logs).as("log records exported").isNotEmpty();
      assertThat(receiver.metrics).as("metrics exported").isNotEmpty();
      // Every byte that crossed the wire: traces, metrics and logs, their resources included.
      String wire = receiver.payloads.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1))
          .collect(Collectors.joining("\n"));
      assertThat(wire).doesNotContain(RedactionTestApp.PASSWORD, RedactionTestApp.TOKEN, DSN_KEY);
      assertThat(SecretCorpus.leaks(wire)).as("corpus secrets on the wire").isEmpty();
      receiver.spans.forEach(rs -> assertThat(attributes(rs.getResource().getAttributesList()))
          .doesNotContainKeys("process.command_args", "process.command_line")
          .containsKey("process.pid")
          .hasEntrySatisfying("fabstir.api_key", v -> assertThat(v.getStringValue()).isEqualTo("[REDACTED]")));

      Map<String, AnyValue> lookAlikes = attributes(spans.stream().filter(s -> s.getName().equals("look-alikes"))
          .findFirst().orElseThrow().getAttributesList());
      for (SecretCorpus.LookAlike l : SecretCorpus.lookAlikes()) {
        AnyValue v = lookAlikes.get(l.name());
        assertThat(v).as(l.name()).isNotNull();
        assertThat(l.value() instanceof Integer ? String.valueOf(v.getIntValue()) : v.getStringValue())
            .as(l.name()).isEqualTo(String.valueOf(l.value()));
      }
    }
  }

  private static Map<String, AnyValue> attributes(List<KeyValue> kvs) {
    return kvs.stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue, (a, b) -> b));
  }
}
