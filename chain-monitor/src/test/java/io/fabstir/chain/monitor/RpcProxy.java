package io.fabstir.chain.monitor;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** A loopback HTTP hop in front of the real RPC that a test can turn into garbage or an error page. */
final class RpcProxy implements AutoCloseable {
    enum Mode { FORWARD, GARBAGE, ERROR_PAGE }

    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    volatile Mode mode = Mode.FORWARD;

    RpcProxy(String target) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", x -> {
            try (x) {
                byte[] body = x.getRequestBody().readAllBytes();
                int status = 200;
                byte[] out;
                switch (mode) {
                    case GARBAGE -> out = "{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":\"0xZZ not hex".getBytes(StandardCharsets.UTF_8);
                    case ERROR_PAGE -> {
                        status = 502;
                        out = "<html><body>502 Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8);
                    }
                    default -> {
                        try {
                            out = http.send(HttpRequest.newBuilder(URI.create(target))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                                    HttpResponse.BodyHandlers.ofByteArray()).body();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                    }
                }
                x.getResponseHeaders().set("Content-Type", "application/json");
                x.sendResponseHeaders(status, out.length);
                try (OutputStream o = x.getResponseBody()) {
                    o.write(out);
                }
            }
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
