package io.fabstir.shipper.sink.loki;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.loki4j.pkg.google.protobuf.Timestamp;
import com.github.loki4j.pkg.loki.protobuf.Push;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.xerial.snappy.Snappy;

/** Encodes a push request in one of Loki's wire formats, using the classes generated from Loki's push.proto. */
abstract class PushEncoder {

    abstract String contentType();

    abstract byte[] encode(PushBatch.Request request);

    static PushEncoder of(PushFormat format) {
        return format == PushFormat.JSON ? new JsonEncoder() : new ProtobufEncoder();
    }

    static final class ProtobufEncoder extends PushEncoder {
        @Override
        String contentType() {
            return "application/x-protobuf";
        }

        @Override
        byte[] encode(PushBatch.Request request) {
            Push.PushRequest.Builder req = Push.PushRequest.newBuilder();
            for (PushBatch.Stream s : request.streams()) {
                Push.StreamAdapter.Builder stream = Push.StreamAdapter.newBuilder().setLabels(s.key());
                for (LogEntry e : s.entries()) {
                    Push.EntryAdapter.Builder entry = Push.EntryAdapter.newBuilder()
                            .setTimestamp(Timestamp.newBuilder()
                                    .setSeconds(Math.floorDiv(e.tsNanos(), 1_000_000_000L))
                                    .setNanos((int) Math.floorMod(e.tsNanos(), 1_000_000_000L)))
                            .setLine(e.line());
                    for (Map.Entry<String, String> md : e.metadata().entrySet()) {
                        entry.addStructuredMetadata(Push.LabelPairAdapter.newBuilder()
                                .setName(md.getKey()).setValue(md.getValue()));
                    }
                    stream.addEntries(entry);
                }
                req.addStreams(stream);
            }
            try {
                // Loki expects the snappy block format (not the framed/stream format).
                return Snappy.compress(req.build().toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final class JsonEncoder extends PushEncoder {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        String contentType() {
            return "application/json";
        }

        @Override
        byte[] encode(PushBatch.Request request) {
            ObjectNode root = JSON.createObjectNode();
            ArrayNode streams = root.putArray("streams");
            for (PushBatch.Stream s : request.streams()) {
                ObjectNode stream = streams.addObject();
                ObjectNode labels = stream.putObject("stream");
                s.labels().forEach(labels::put);
                ArrayNode values = stream.putArray("values");
                for (LogEntry e : s.entries()) {
                    ArrayNode v = values.addArray();
                    v.add(Long.toString(e.tsNanos()));
                    v.add(e.line());
                    if (!e.metadata().isEmpty()) {
                        ObjectNode md = v.addObject();
                        e.metadata().forEach(md::put);
                    }
                }
            }
            try {
                return JSON.writeValueAsBytes(root);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
