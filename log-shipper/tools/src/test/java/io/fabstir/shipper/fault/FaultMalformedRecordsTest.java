package io.fabstir.shipper.fault;

import io.fabstir.shipper.fault.Pipeline.Part;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Every kind of bad input, through the edge (files) and straight into Kafka (a foreign producer). */
@Tag("fault")
class FaultMalformedRecordsTest {

    /** Values other producers might put on the topic, bypassing the edge: each keeps its token findable. */
    private static final List<Map.Entry<String, Function<String, byte[]>>> RAW = List.of(
            Map.entry("plain text", t -> b("plain text from another producer " + t)),
            Map.entry("JSON array", t -> b("[\"" + t + "\"]")),
            Map.entry("JSON string", t -> b("\"" + t + "\"")),
            Map.entry("null value (token in the key)", t -> null),
            Map.entry("empty value (token in the key)", t -> new byte[0]),
            Map.entry("invalid UTF-8", t -> cat(b("{\"event.id\":\"" + t + "\",\"message\":\""),
                    new byte[] {(byte) 0xC3, 0x28}, b("\"}"))),
            Map.entry("trailing garbage", t -> b("{\"event.id\":\"" + t + "\"}{\"again\":1}")),
            Map.entry("duplicate keys", t -> b("{\"@timestamp\":\"" + Instant.now() + "\",\"event.id\":\"" + t
                    + "\",\"a\":1,\"a\":2}")),
            Map.entry("no event.id", t -> b("{\"@timestamp\":\"" + Instant.now() + "\",\"message\":\"" + t + "\"}")),
            Map.entry("garbage timestamp", t -> b("{\"@timestamp\":\"soon\",\"event.id\":\"" + t + "\"}")),
            Map.entry("900 KB value", t -> b("{\"@timestamp\":\"" + Instant.now() + "\",\"event.id\":\"" + t
                    + "\",\"message\":\"" + "m".repeat(900_000) + "\"}")),
            Map.entry("2000 levels deep", t -> b("{\"event.id\":\"" + t + "\",\"d\":" + "[".repeat(2000)
                    + "]".repeat(2000) + "}")),
            Map.entry("NUL bytes", t -> cat(b("{\"event.id\":\"" + t + "\",\"m\":\"a"), new byte[] {0}, b("\"}"))),
            Map.entry("mapping conflict", t -> b("{\"@timestamp\":\"" + Instant.now() + "\",\"event.id\":\"" + t
                    + "\",\"labels\":\"flat\"}")),
            Map.entry("only metadata fields", t -> b("{\"_id\":\"" + t + "\",\"_index\":\"elsewhere\"}")));

    @Test
    void everyKindOfMalformedRecordIsStoredOnceOrDeadLetteredWithAReason() throws Exception {
        FaultSettings s = FaultSettings.CURRENT;
        List<FaultLines.Bad> corpus = FaultLines.malformed();
        Duration length = s.pick(Duration.ofSeconds(14), Duration.ofSeconds(60));
        int kills = s.pick(1, 4);
        FaultRun.repeat("malformed records", "bad", "an application writing, 40 lines/s for " + length.toSeconds()
                + " s, a corpus of " + corpus.size() + " kinds of line: "
                + corpus.stream().map(FaultLines.Bad::name).collect(Collectors.joining(", "))
                + "; and a foreign producer putting " + RAW.size() + " kinds of raw value straight on the topic: "
                + RAW.stream().map(Map.Entry::getKey).collect(Collectors.joining(", ")) + ". `tail` and `index` are "
                + "each SIGKILLed " + kills + " time(s), so bad records are re-sent and redelivered too.", run -> {
            Pipeline p = run.pipeline(1);
            Pipeline.Node node = p.node("node-a");
            node.globs.add(node.logs + "/*.json");
            p.write(node, "app.json", 40, FaultLines.malformed(corpus, run.random), b -> { });
            p.startTail(node);
            p.startIndexer();
            Map<String, Object> props = Map.of("bootstrap.servers", p.services.bootstrap(), "acks", "all",
                    "max.request.size", "2000000");
            try (KafkaProducer<byte[], byte[]> foreign = new KafkaProducer<>(props, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                long slice = length.toMillis() / (2 * kills + 1);
                int n = 0;
                for (int k = 0; k < 2 * kills; k++) {
                    for (Map.Entry<String, Function<String, byte[]>> raw : RAW) {
                        String token = p.producedToken(0, n++);
                        foreign.send(new ProducerRecord<>(p.topic, b(token), raw.getValue().apply(token))).get();
                    }
                    run.sleep(run.between(Duration.ofMillis(slice / 2), Duration.ofMillis(slice * 3 / 2)));
                    Part victim = k % 2 == 0 ? Part.TAIL : Part.INDEX;
                    p.kill(victim, 0);
                    run.sleep(run.between(Duration.ofMillis(200), Duration.ofMillis(1500)));
                    p.revive(victim, 0);
                }
            }
            run.sleep(Duration.ofSeconds(2));
            p.stopWriters();
            Tally t = p.settle(Duration.ofMinutes(4));
            run.result(t);
            // The corpus reached both ends: some records were repaired and indexed, some dead-lettered.
            assertThat(t.inDlq()).as("records in the DLQ").isPositive();
            assertThat(t.indexed()).as("records indexed").isPositive();
        });
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] cat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
