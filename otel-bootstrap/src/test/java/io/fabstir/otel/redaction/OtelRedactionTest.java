package io.fabstir.otel.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabstir.enrichers.redact.Redactor;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.KeyValue;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.sdk.resources.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

class OtelRedactionTest {

  private final OtelRedaction redaction = new OtelRedaction(Redaction.defaults());

  @Test
  void cleanAttributesComeBackAsTheSameInstance() {
    Attributes clean = Attributes.builder().put("fabstir.job.id", "j-1").put("fabstir.job.tokens_used", 512L)
        .put("url.full", "https://huggingface.co/meta-llama/Meta-Llama-3-8B").build();
    assertThat(redaction.attributes(clean)).isSameAs(clean);
  }

  @Test
  void aSensitiveNameIsMaskedWholeWhateverItsTypeAndOtherStringsByTheTextRules() {
    Attributes a = Attributes.builder()
        .put(AttributeKey.stringArrayKey("http.request.header.authorization"), List.of("Bearer abcdefghijklmnop"))
        .put("api_key", 123456789L)
        .put("url.full", "https://rpc.example.org/x?token=abcdef123456&chain=1")
        .put(AttributeKey.stringArrayKey("db.hosts"), List.of("db1", "postgres://u:pw-123456@db2"))
        .put("fabstir.job.tokens_used", 512L)
        .build();

    Attributes r = redaction.attributes(a);

    assertThat(r.get(AttributeKey.stringKey("http.request.header.authorization"))).isEqualTo(Redactor.MASK);
    assertThat(r.get(AttributeKey.stringKey("api_key"))).isEqualTo(Redactor.MASK);
    assertThat(r.get(AttributeKey.longKey("api_key"))).isNull();
    assertThat(r.get(AttributeKey.stringKey("url.full"))).isEqualTo("https://rpc.example.org/x?token=[REDACTED]&chain=1");
    assertThat(r.get(AttributeKey.stringArrayKey("db.hosts"))).containsExactly("db1", "postgres://u:[REDACTED]@db2");
    assertThat(r.get(AttributeKey.longKey("fabstir.job.tokens_used"))).isEqualTo(512L);
    assertThat(r.size()).isEqualTo(a.size());
  }

  @Test
  void theResourceIsRedactedOnceAndTheCommandLineDropped() {
    Resource resource = Resource.create(Attributes.builder().put("service.name", "node")
        .put("deployment.token", "tok-1234567890")
        .put(AttributeKey.stringArrayKey("process.command_args"), List.of("java", "-Dsentry.dsn=https://k@h/1"))
        .put("process.command_line", "java -Ddb.password=x")
        .put("process.pid", 42L).build());

    Resource withoutCommandLine = CommandLine.without(resource);
    Resource redacted = redaction.resource(withoutCommandLine);

    assertThat(withoutCommandLine.getAttributes().asMap().keySet()).extracting(AttributeKey::getKey)
        .containsExactlyInAnyOrder("service.name", "deployment.token", "process.pid");
    assertThat(redacted.getAttribute(AttributeKey.stringKey("deployment.token"))).isEqualTo(Redactor.MASK);
    assertThat(redaction.resource(withoutCommandLine)).isSameAs(redacted);
    Resource clean = Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "node"));
    assertThat(CommandLine.without(clean)).isSameAs(clean);
  }

  @Test
  void logBodiesAreRedactedInsideArraysAndKeyValueLists() {
    Value<?> body = Value.of(KeyValue.of("msg", Value.of("login password=hunter2 ok")),
        KeyValue.of("session_id", Value.of("abc")),
        KeyValue.of("items", Value.of(Value.of("Bearer abcdefghijklmnop"), Value.of(3L))));

    Value<?> r = redaction.value(null, body);

    assertThat(r.asString()).doesNotContain("hunter2", "abcdefghijklmnop")
        .contains("password=[REDACTED]", "Bearer [REDACTED]");
    assertThat(redaction.value(null, Value.of("clean text"))).isNotNull()
        .satisfies(v -> assertThat(v.getValue()).isEqualTo("clean text"));
  }
}
