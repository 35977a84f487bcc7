package io.fabstir.otel.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class HistoryTest {

  private static JsonNode written(History h) throws Exception {
    Json json = new Json(256);
    h.write(json);
    return new ObjectMapper().readTree(json.toString());
  }

  @Test
  void jobsPerMinuteCountsWhatFinishedInTheMinuteUpToEachPoint() throws Exception {
    History h = new History(100);
    for (int i = 0; i <= 24; i++) { // a point every 5 s, 2 jobs finished per point, one failure per minute
      h.add(i * 5_000L, 2L * i, i / 12, 1, 2, Double.NaN, Double.NaN);
    }
    JsonNode j = written(h);
    assertThat(j.path("completedPerMin").get(0).asLong()).isZero();
    assertThat(j.path("completedPerMin").get(6).asLong()).isEqualTo(12); // 30 s in: what finished so far
    assertThat(j.path("completedPerMin").get(24).asLong()).isEqualTo(24); // 12 intervals of 2
    assertThat(j.path("failedPerMin").get(24).asLong()).isEqualTo(1);
    assertThat(j.path("gpuUtilPercent").get(0).isNull()).as("no GPU is a gap, not 0").isTrue();
  }

  @Test
  void keepsOnlyTheNewestPointsOnceFull() throws Exception {
    History h = new History(3);
    for (int i = 1; i <= 5; i++) {
      h.add(i * 1000L, i, 0, i, 0, 0, 0);
    }
    assertThat(written(h).path("t").toString()).isEqualTo("[3000,4000,5000]");
    assertThat(written(h).path("heapPercent").toString()).isEqualTo("[3,4,5]");
  }
}
