package io.fabstir.shipper.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PushBatchTest {

    static LogEntry entry(String service, long ts, long offset) {
        Map<String, String> stream = Map.of("service_name", service);
        return new LogEntry(stream, LabelRules.render(stream), ts, service + "@" + ts + "#" + offset, Map.of(),
                new RecordMapperTest.At(0, offset));
    }

    @Test
    void batchIsSplitPerStreamWithEntriesInTimestampOrder() {
        List<LogEntry> in = List.of(entry("a", 30, 0), entry("b", 5, 1), entry("a", 10, 2), entry("b", 1, 3),
                entry("a", 20, 4));
        List<PushBatch.Request> out = PushBatch.split(in, 1 << 20, 1000);
        assertThat(out).hasSize(1);
        List<PushBatch.Stream> streams = out.get(0).streams();
        assertThat(streams).extracting(PushBatch.Stream::key).containsExactly("{service_name=\"a\"}", "{service_name=\"b\"}");
        assertThat(streams.get(0).entries()).extracting(LogEntry::tsNanos).containsExactly(10L, 20L, 30L);
        assertThat(streams.get(1).entries()).extracting(LogEntry::tsNanos).containsExactly(1L, 5L);
    }

    @Test
    void equalTimestampsKeepKafkaOrder() {
        List<LogEntry> in = List.of(entry("a", 7, 0), entry("a", 7, 1), entry("a", 3, 2), entry("a", 7, 3));
        List<LogEntry> sorted = PushBatch.split(in, 1 << 20, 1000).get(0).streams().get(0).entries();
        assertThat(sorted).extracting(e -> ((RecordMapperTest.At) e.delivery()).offset()).containsExactly(2L, 0L, 1L, 3L);
    }

    @Test
    void countLimitSplitsRequestsAndKeepsEachStreamOrderedAcrossThem() {
        List<LogEntry> in = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            in.add(entry(i % 2 == 0 ? "a" : "b", 1000 - i, i));
        }
        List<PushBatch.Request> out = PushBatch.split(in, 1 << 20, 10);
        assertThat(out).hasSize(3);
        assertThat(out).allSatisfy(r -> assertThat(r.entryCount()).isLessThanOrEqualTo(10));
        assertThat(out.stream().mapToInt(PushBatch.Request::entryCount).sum()).isEqualTo(25);
        for (String s : List.of("a", "b")) {
            List<Long> ts = out.stream().flatMap(r -> r.streams().stream())
                    .filter(st -> st.key().contains("\"" + s + "\"")).flatMap(st -> st.entries().stream())
                    .map(LogEntry::tsNanos).toList();
            assertThat(ts).isSorted();
        }
    }

    @Test
    void sizeLimitSplitsRequests() {
        List<LogEntry> in = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            in.add(entry("a", i, i));
        }
        int one = in.get(0).approxBytes();
        List<PushBatch.Request> out = PushBatch.split(in, one * 3 + 40, 1000);
        assertThat(out.size()).isBetween(4, 5);
        assertThat(out.stream().mapToInt(PushBatch.Request::entryCount).sum()).isEqualTo(10);
    }

    @Test
    void anEntryLargerThanTheLimitStillGoesAloneRatherThanBeingLost() {
        List<LogEntry> in = List.of(entry("a", 1, 0), entry("a", 2, 1));
        List<PushBatch.Request> out = PushBatch.split(in, 1, 1000);
        assertThat(out).hasSize(2);
    }
}
