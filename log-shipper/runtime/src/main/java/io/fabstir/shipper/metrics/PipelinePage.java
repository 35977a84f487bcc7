package io.fabstir.shipper.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code /} of the shipper's metrics port: one static page that polls this port's {@code /metrics} and shows the
 * pipeline's own series (lines read, records sent, unparsed, errors, file lag; indexed, dead-lettered, consumer
 * lag). Static on purpose: the numbers are the exposition's, read by the page, so nothing is sampled in the shipper.
 */
final class PipelinePage implements HttpHandler {

    private static final byte[] PAGE = load();
    private static final byte[] NOT_FOUND = "not found: see / or /metrics\n".getBytes(StandardCharsets.UTF_8);

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        boolean root = exchange.getRequestURI().getPath().equals("/");
        byte[] body = root ? PAGE : NOT_FOUND;
        exchange.getResponseHeaders().set("Content-Type", root ? "text/html; charset=utf-8" : "text/plain; charset=utf-8");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(root ? 200 : 404, head ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    private static byte[] load() {
        try (InputStream in = PipelinePage.class.getResourceAsStream("pipeline.html")) {
            if (in == null) {
                throw new IllegalStateException("pipeline.html missing from the shipper jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
