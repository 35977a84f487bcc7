package io.fabstir.shipper.sink.elasticsearch;

import co.elastic.clients.transport.http.TransportHttpClient.Request;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class RequestCompressionTest {

    private static Request request(Map<String, String> headers, List<ByteBuffer> body) {
        return new Request("POST", "/_bulk", Map.of("filter_path", "items"), headers, body);
    }

    @Test
    void aBodyIsSentGzippedWithItsEncodingNamedAndEverythingElseKept() throws IOException {
        String action = "{\"create\":{\"_index\":\"fabstir-logs-2026.12.06\",\"_id\":\"a\"}}\n";
        String doc = "{\"message\":\"job completed\"}\n";
        ByteBuffer direct = ByteBuffer.allocateDirect(doc.length()).put(doc.getBytes(StandardCharsets.UTF_8)).flip();
        ByteBuffer sliced = ByteBuffer.wrap(("xx" + action).getBytes(StandardCharsets.UTF_8), 2, action.length())
                .slice();
        Request in = request(Map.of("Content-Type", "application/x-ndjson"), List.of(sliced, direct));

        Request out = RequestCompression.gzip(in);

        assertThat(out.headers()).containsEntry("Content-Encoding", "gzip")
                .containsEntry("Content-Type", "application/x-ndjson");
        assertThat(out.queryParams()).isEqualTo(in.queryParams());
        assertThat(out.path()).isEqualTo("/_bulk");
        assertThat(gunzip(out.body())).isEqualTo(action + doc);
        assertThat(gunzip(RequestCompression.gzip(in).body())).as("the request's buffers are not consumed")
                .isEqualTo(action + doc);
    }

    @Test
    void aRequestWithoutABodyOrAlreadyEncodedIsLeftAlone() throws IOException {
        Request none = new Request("GET", "/", Map.of(), Map.of(), null);
        assertThat(RequestCompression.gzip(none)).isSameAs(none);
        Request empty = request(Map.of(), List.of(ByteBuffer.allocate(0)));
        assertThat(RequestCompression.gzip(empty)).isSameAs(empty);
        Request encoded = request(Map.of("Content-Encoding", "gzip"), List.of(ByteBuffer.wrap(new byte[] {1})));
        assertThat(RequestCompression.gzip(encoded)).isSameAs(encoded);
    }

    private static String gunzip(Iterable<ByteBuffer> body) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (ByteBuffer b : body) {
            byte[] a = new byte[b.remaining()];
            b.duplicate().get(a);
            all.write(a);
        }
        try (GZIPInputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(all.toByteArray()))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
