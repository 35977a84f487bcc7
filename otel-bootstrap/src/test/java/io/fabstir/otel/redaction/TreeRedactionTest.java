package io.fabstir.otel.redaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabstir.enrichers.redact.Redactor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TreeRedactionTest {

  @Test
  void valuesUnderSensitiveNamesAndSecretsInTextAreMaskedAtAnyDepth() {
    Map<String, Object> tree = Map.of("chain", Map.of("status", "unhealthy",
        "detail", "rpc https://user:pw-998877@rpc.example.org down",
        "details", Map.of("rpc_token", "abc", "block_number", 19_000_042L,
            "urls", List.of("https://ok.example.org", "redis://:pw-445566@cache"))));

    @SuppressWarnings("unchecked")
    Map<String, Object> r = (Map<String, Object>) TreeRedaction.redact(Redactor.defaults(), tree);

    @SuppressWarnings("unchecked")
    Map<String, Object> chain = (Map<String, Object>) r.get("chain");
    assertThat(chain.get("detail")).isEqualTo("rpc https://user:[REDACTED]@rpc.example.org down");
    @SuppressWarnings("unchecked")
    Map<String, Object> details = (Map<String, Object>) chain.get("details");
    assertThat(details).containsEntry("rpc_token", Redactor.MASK).containsEntry("block_number", 19_000_042L);
    assertThat(details.get("urls")).isEqualTo(List.of("https://ok.example.org", "redis://:[REDACTED]@cache"));
  }

  @Test
  void aCleanTreeIsReturnedAsIs() {
    Map<String, Object> tree = Map.of("disk", Map.of("status", "healthy", "free_percent", 30.2));
    assertThat(TreeRedaction.redact(Redactor.defaults(), tree)).isSameAs(tree);
  }
}
