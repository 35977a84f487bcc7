package io.fabstir.shipper.fault;

import io.fabstir.shipper.fault.Pipeline.Part;
import io.fabstir.shipper.harness.LokiSinkMain;
import io.fabstir.shipper.harness.TopicContents;
import io.fabstir.shipper.sink.loki.LokiReceiver;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** The Loki sink reads the same topic in its own group while both sinks' processes and Loki itself fail. */
@Tag("fault")
class FaultLokiSinkTest {

    private enum Fault { TAIL, INDEX, BROKER, LOKI_SINK, LOKI_DOWN, LOKI_UNAVAILABLE }

    @Test
    void lokiAndElasticsearchEachReceiveEveryRecordOnceWhileTheirProcessesAndLokiFail() throws Exception {
        FaultSettings s = FaultSettings.CURRENT;
        int faults = s.pick(6, 18);
        FaultRun.repeat("Loki sink beside Elasticsearch", "loki", "the Loki sink (the loop with `LokiSink` in a child JVM, "
                + "its own consumer group on the same topic, protobuf+snappy pushes) feeds a Loki receiver speaking "
                + "the real push protocol and Loki's validation (per-stream order, identical re-sends dropped), "
                + "while `index` feeds Elasticsearch; 200 lines/s. Faults drawn evenly: SIGKILL of `tail`, `index`, "
                + "the broker or the Loki sink; Loki's port closed (connection refused) or answering 503 for 3–6 s. "
                + faults + " faults per run.", run -> {
            try (LokiReceiver loki = LokiReceiver.open()) {
                Pipeline p = run.pipeline(1);
                String lokiGroup = "fault-loki-" + run.tag;
                String lokiDlq = p.topic + ".loki-dlq";
                p.services.createTopic(lokiDlq, 1);
                Pipeline.Node node = p.node("node-a");
                node.globs.add(node.logs + "/*.json");
                p.write(node, "app.json", 200, FaultLines.standard(), b -> { });
                p.startTail(node);
                p.startIndexer();
                Pipeline.Member sink = p.startOther("loki-0", LokiSinkMain.class, "192m", List.of(
                        "kafka.bootstrap_servers=" + p.services.bootstrap(), "kafka.topic=" + p.topic,
                        "kafka.group_id=" + lokiGroup, "kafka.dlq_topic=" + lokiDlq, "loki.url=" + loki.url(),
                        "loki.tenant=fabstir", "loki.batch.linger_ms=200", "loki.retry.initial_ms=100",
                        "loki.retry.max_ms=2000", "kafka.properties.session.timeout.ms=6000",
                        "kafka.properties.heartbeat.interval.ms=1000"));
                p.alsoWaitFor(() -> p.services.caughtUp(lokiGroup, p.topic));
                List<Fault> plan = new ArrayList<>();
                for (int i = 0; i < faults; i++) {
                    plan.add(Fault.values()[i % Fault.values().length]);
                }
                Collections.shuffle(plan, run.random);
                int outages = 0;
                for (Fault f : plan) {
                    run.sleep(run.between(Duration.ofMillis(1500), Duration.ofMillis(4000)));
                    switch (f) {
                        case TAIL, INDEX, BROKER -> {
                            Part part = Part.valueOf(f.name());
                            p.kill(part, 0);
                            run.sleep(run.between(Duration.ofMillis(200), Duration.ofMillis(1500)));
                            p.revive(part, 0);
                        }
                        case LOKI_SINK -> {
                            p.killOther(sink);
                            run.sleep(run.between(Duration.ofMillis(200), Duration.ofMillis(1500)));
                            p.reviveMember(sink);
                        }
                        case LOKI_DOWN -> {
                            loki.stop();
                            run.sleep(run.between(Duration.ofSeconds(3), Duration.ofSeconds(6)));
                            loki.start();
                            outages++;
                        }
                        case LOKI_UNAVAILABLE -> {
                            loki.down(true);
                            run.sleep(run.between(Duration.ofSeconds(3), Duration.ofSeconds(6)));
                            loki.down(false);
                            outages++;
                        }
                    }
                }
                run.note("Loki outages", Integer.toString(outages));
                run.sleep(Duration.ofSeconds(2));
                p.stopWriters();
                run.result(p.settle(Duration.ofMinutes(4)));
                try (TopicContents dlq = new TopicContents(p.services.bootstrap(), lokiDlq)) {
                    dlq.drain(Duration.ofSeconds(2));
                    run.result(Verifier.loki(loki.accepted(), dlq.raw(), p.ledger));
                }
            }
        });
    }
}
