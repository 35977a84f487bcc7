package io.fabstir.otel.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabstir.enrichers.CanonicalTimestamp;
import org.junit.jupiter.api.Test;

/** What the encoder writes is the form the edge and the indexer read on their fast path. */
class EncoderTimestampTest {

  @Test
  void theEncodersTimestampIsTheCanonicalFormTheEdgeKeepsAndTheIndexerReadsByHand() {
    try (CapturedLog log = new CapturedLog(e -> {})) {
      log.logger("ts").info("x");
      String ts = log.only().get("@timestamp").asText();

      assertThat(CanonicalTimestamp.is(ts)).as(ts).isTrue();
      assertThat(CanonicalTimestamp.parse(ts)).isEqualTo(java.time.Instant.parse(ts));
    }
  }
}
