package io.fabstir.shipper.sink.loki;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabstir.shipper.sink.SinkMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The push path against {@link LokiReceiver}, which decodes the real wire formats and validates like Loki. */
class LokiPusherTest {

    private LokiReceiver loki;
    private PrometheusRegistry registry;
    private SinkMetrics metrics;
    private final RecordMapper mapper = new RecordMapper(LabelRules.defaults(), RecordMapper.DEFAULT_METADATA,
            RecordMapper.DEFAULT_MAX_LINE_BYTES);

    @BeforeEach
    void start() throws Exception {
        loki = LokiReceiver.open();
        registry = new PrometheusRegistry();
        metrics = SinkMetrics.of(registry, "loki");
    }

    private double retries() {
        return registry.scrape().stream().filter(m -> m.getMetadata().getName().equals("fabstir_indexer_retries"))
                .flatMap(m -> m.getDataPoints().stream())
                .mapToDouble(d -> ((io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot) d)
                        .getValue()).sum();
    }

    @AfterEach
    void stop() {
        loki.close();
    }

    private LokiPusher pusher(PushFormat format, String tenant, String auth) {
        LokiHttp http = new LokiHttp(LokiHttp.pushUri(loki.url()), tenant, auth, null, Duration.ofSeconds(10));
        return new LokiPusher(http, PushEncoder.of(format), 64 * 1024, 50, Duration.ofMillis(20),
                Duration.ofMillis(200), metrics);
    }

    private List<LokiPusher.Rejection> push(LokiPusher p, List<LogEntry> entries) {
        return p.push(entries, d -> Thread.sleep(d.toMillis()), () -> false);
    }

    private LogEntry record(String node, String level, String ts, String jobId, long offset) throws Exception {
        String json = "{\"@timestamp\":\"" + ts + "\",\"log.level\":\"" + level + "\",\"service.name\":\"fabstir-node\","
                + "\"event.dataset\":\"fabstir.job\",\"fabstir.node_id\":\"" + node + "\",\"event.id\":\"ev-" + offset
                + "\",\"trace.id\":\"tr-" + offset + "\",\"span.id\":\"sp-" + offset + "\",\"fabstir.job.id\":\"" + jobId
                + "\",\"message\":\"m" + offset + "\"}";
        return mapper.map(RecordMapperTest.doc(json, offset), new RecordMapperTest.At(0, offset));
    }

    private List<LogEntry> records(int n, String startSecond) throws Exception {
        List<LogEntry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(record("node-" + (i % 3), i % 2 == 0 ? "INFO" : "ERROR",
                    String.format("2026-11-24T07:%s:%02d.%03dZ", startSecond, i / 1000 % 60, i % 1000), "job-" + i, i));
        }
        return out;
    }

    @Test
    void protobufPushCarriesBoundedLabelsAndIdsAsStructuredMetadata() throws Exception {
        assertThat(push(pusher(PushFormat.PROTOBUF, "fabstir", null), List.of(
                record("node-1", "INFO", "2026-11-24T07:00:00.001Z", "job-1", 0)))).isEmpty();
        assertThat(loki.contentTypes()).containsExactly("application/x-protobuf");
        LokiReceiver.Entry e = loki.accepted().get(0);
        assertThat(e.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("service_name", "fabstir-node",
                "level", "info", "event_dataset", "fabstir.job", "node_id", "node-1"));
        assertThat(e.metadata()).containsExactlyInAnyOrderEntriesOf(Map.of("event_id", "ev-0", "trace_id", "tr-0",
                "span_id", "sp-0", "fabstir_job_id", "job-1"));
        assertThat(e.tenant()).isEqualTo("fabstir");
        assertThat(e.line()).contains("\"message\":\"m0\"");
    }

    @Test
    void jsonPushCarriesTheSameLabelsAndMetadata() throws Exception {
        assertThat(push(pusher(PushFormat.JSON, null, null), List.of(
                record("node-2", "WARN", "2026-11-24T07:00:00.001Z", "job-2", 3)))).isEmpty();
        assertThat(loki.contentTypes()).containsExactly("application/json");
        LokiReceiver.Entry e = loki.accepted().get(0);
        assertThat(e.labels()).containsEntry("node_id", "node-2").containsEntry("level", "warn");
        assertThat(e.metadata()).containsEntry("fabstir_job_id", "job-2").containsEntry("event_id", "ev-3");
        assertThat(e.tenant()).isNull();
    }

    @Test
    void rateLimitAndUnavailableAreRetriedUntilAcceptedWithNothingLost() throws Exception {
        loki.failNext(3, 429);
        List<LogEntry> first = records(120, "01");
        assertThat(push(pusher(PushFormat.PROTOBUF, null, null), first)).isEmpty();
        loki.failNext(4, 503);
        List<LogEntry> second = records(80, "02");
        assertThat(push(pusher(PushFormat.PROTOBUF, null, null), second)).isEmpty();

        assertThat(loki.refusedRequests()).isEqualTo(7);
        assertThat(retries()).isEqualTo(7);
        assertThat(loki.accepted()).hasSize(200);
        assertThat(loki.accepted()).extracting(LokiReceiver.Entry::line).doesNotHaveDuplicates()
                .containsAll(first.stream().map(LogEntry::line).toList())
                .containsAll(second.stream().map(LogEntry::line).toList());
    }

    @Test
    void connectionRefusedIsRetriedUntilLokiIsBack() throws Exception {
        loki.stop();
        Thread restart = new Thread(() -> {
            try {
                Thread.sleep(800);
                loki.start();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        restart.start();
        assertThat(push(pusher(PushFormat.PROTOBUF, null, null), records(10, "03"))).isEmpty();
        restart.join();
        assertThat(loki.accepted()).hasSize(10);
        assertThat(retries()).isPositive();
    }

    @Test
    void entriesOfEachStreamArriveInTimestampOrderEvenWhenKafkaOrderDiffers() throws Exception {
        List<LogEntry> shuffled = new ArrayList<>(records(300, "04"));
        java.util.Collections.shuffle(shuffled, new java.util.Random(42));
        assertThat(push(pusher(PushFormat.PROTOBUF, null, null), shuffled)).isEmpty();
        assertThat(loki.accepted()).hasSize(300); // the receiver refuses any out-of-order entry
        Map<Map<String, String>, List<Long>> perStream = new java.util.HashMap<>();
        for (LokiReceiver.Entry e : loki.accepted()) {
            perStream.computeIfAbsent(e.labels(), k -> new ArrayList<>()).add(e.tsNanos());
        }
        assertThat(perStream).hasSize(6);
        perStream.values().forEach(ts -> assertThat(ts).isSorted());
    }

    @Test
    void entryOlderThanWhatLokiHoldsIsRejectedWithLokiReasonWhileTheRestIsKept() throws Exception {
        LokiPusher p = pusher(PushFormat.PROTOBUF, null, null);
        assertThat(push(p, List.of(record("node-1", "INFO", "2026-11-24T07:10:00Z", "j", 1)))).isEmpty();
        LogEntry old = record("node-1", "INFO", "2026-11-24T07:05:00Z", "j", 2);
        LogEntry newer = record("node-1", "INFO", "2026-11-24T07:11:00Z", "j", 3);
        LogEntry otherStream = record("node-2", "INFO", "2026-11-24T07:01:00Z", "j", 4);

        List<LokiPusher.Rejection> rejected = push(p, List.of(old, newer, otherStream));

        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(((RecordMapperTest.At) r.entry().delivery()).offset()).isEqualTo(2);
            assertThat(r.reason()).startsWith("loki: ").contains("entry out of order");
            assertThat(r.errorType()).isEqualTo("loki_out_of_order");
        });
        assertThat(loki.accepted()).extracting(e -> e.metadata().get("event_id"))
                .containsExactlyInAnyOrder("ev-1", "ev-3", "ev-4");
    }

    @Test
    void entriesTooOldForLokiGoToTheDlqWhileTheRestOfTheRequestIsStoredOnce() throws Exception {
        List<LogEntry> entries = records(12, "07");
        long cutoff = entries.get(5).tsNanos();
        loki.rejectOlderThan(cutoff);
        List<LokiPusher.Rejection> rejected = push(pusher(PushFormat.PROTOBUF, null, null), entries);
        assertThat(rejected).hasSize(5).allSatisfy(r -> {
            assertThat(r.entry().tsNanos()).isLessThan(cutoff);
            assertThat(r.errorType()).isEqualTo("loki_too_old");
            assertThat(r.reason()).startsWith("loki: ").contains("timestamp too old");
        });
        assertThat(loki.accepted()).hasSize(7).extracting(LokiReceiver.Entry::line).doesNotHaveDuplicates();
    }

    @Test
    void lineRefusedAsTooLongBySmallerServerLimitIsTruncatedFurtherAndAccepted() throws Exception {
        loki.maxLineBytes(1000);
        LogEntry big = mapper.map(RecordMapperTest.doc("{\"@timestamp\":\"2026-11-24T07:00:00Z\",\"message\":\""
                + "x".repeat(5000) + "\"}", 9), RecordMapperTest.NOBODY);
        LogEntry small = record("node-1", "INFO", "2026-11-24T07:00:01Z", "j", 10);
        assertThat(push(pusher(PushFormat.PROTOBUF, null, null), List.of(big, small))).isEmpty();
        assertThat(loki.accepted()).hasSize(2);
        assertThat(loki.accepted()).anySatisfy(e -> assertThat(e.line()).contains("[truncated by fabstir-shipper")
                .satisfies(l -> assertThat(l.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1000)));
    }

    @Test
    void entryRefusedForItsLabelsIsRelabeledToABoundedFallbackStream() throws Exception {
        Map<String, String> bad = Map.of("service_name", "svc", "bad-name", "x");
        LogEntry e = record("node-1", "INFO", "2026-11-24T07:00:00Z", "j", 1).withStream(bad);
        assertThat(push(pusher(PushFormat.PROTOBUF, null, null), List.of(e))).isEmpty();
        assertThat(loki.accepted()).singleElement().satisfies(a -> assertThat(a.labels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("service_name", "svc", "fabstir_relabeled", "true")));
    }

    @Test
    void lokiWithoutStructuredMetadataGetsTheEntriesWithoutItRatherThanTheDlq() throws Exception {
        loki.allowStructuredMetadata(false);
        assertThat(push(pusher(PushFormat.PROTOBUF, null, null), records(4, "06"))).isEmpty();
        assertThat(loki.accepted()).hasSize(4).allSatisfy(e -> {
            assertThat(e.metadata()).isEmpty();
            assertThat(e.line()).contains("\"trace.id\"");
        });
    }

    @Test
    void entriesOfAPartitionRevokedDuringAnOutageAreLeftToTheirNewOwner() throws Exception {
        loki.down(true);
        List<LogEntry> entries = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            LogEntry e = record("node-" + i, "INFO", "2026-11-24T07:00:0" + i + "Z", "j", i);
            entries.add(new LogEntry(e.stream(), e.streamKey(), e.tsNanos(), e.line(), e.metadata(),
                    new RecordMapperTest.At(i % 2, i)));
        }
        java.util.concurrent.atomic.AtomicBoolean revoked = new java.util.concurrent.atomic.AtomicBoolean();
        LokiPusher.Result r = pusher(PushFormat.PROTOBUF, null, null).push(entries, d -> {
            Thread.sleep(d.toMillis());
            revoked.set(true); // partition 1 moves to another consumer while Loki is down
            loki.down(false);
        }, () -> false, e -> !revoked.get() || ((RecordMapperTest.At) e.delivery()).partition() == 0);
        assertThat(r.rejected()).isEmpty();
        assertThat(r.abandoned()).extracting(e -> ((RecordMapperTest.At) e.delivery()).partition()).containsOnly(1).hasSize(3);
        assertThat(loki.accepted()).extracting(e -> e.metadata().get("event_id"))
                .containsExactlyInAnyOrder("ev-0", "ev-2", "ev-4");
    }

    @Test
    void tenantAndBasicAuthHeadersAreSent() throws Exception {
        String auth = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
        push(pusher(PushFormat.PROTOBUF, "team-a", auth), List.of(record("n", "INFO", "2026-11-24T07:00:00Z", "j", 1)));
        assertThat(loki.authorizations()).containsExactly(auth);
        assertThat(loki.accepted().get(0).tenant()).isEqualTo("team-a");
    }

    @Test
    void unauthorizedIsRetriedNotDropped() throws Exception {
        loki.failNext(2, 401);
        assertThat(push(pusher(PushFormat.PROTOBUF, null, null), records(5, "05"))).isEmpty();
        assertThat(loki.accepted()).hasSize(5);
    }

    @Test
    void readsLokiIngesterErrorLines() {
        String body = "entry with timestamp 2022-10-10 13:25:44.5 +0000 UTC ignored, reason: 'entry out of order' "
                + "for stream: {app=\"x\", b=\"}\"},\nentry with timestamp 2022-10-10 13:25:44 +0000 UTC ignored, "
                + "reason: 'entry too far behind, entry timestamp is: 2022-10-10T13:25:44Z, oldest acceptable "
                + "timestamp is: 2022-10-28T23:10:16Z',\ntotal ignored: 2 out of 9";
        List<LokiErrors.Failure> f = LokiErrors.parse(body);
        assertThat(f).hasSize(2);
        long t = java.time.Instant.parse("2022-10-10T13:25:44Z").getEpochSecond() * 1_000_000_000L;
        assertThat(f.get(0)).isEqualTo(new LokiErrors.Failure(t + 500_000_000L, "{app=\"x\", b=\"}\"}", "entry out of order"));
        assertThat(f.get(1).streamKey()).isNull();
        assertThat(LokiErrors.classify(f.get(1).reason())).isEqualTo(LokiErrors.Kind.TOO_OLD);
        assertThat(LokiErrors.totalIgnored(body)).hasValue(2);
        assertThat(LokiErrors.goTime(t + 500_000_000L)).isEqualTo("2022-10-10 13:25:44.5 +0000 UTC");
    }
}
