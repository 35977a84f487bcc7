package io.fabstir.examples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Debian's headless Chromium driven over the DevTools protocol with the JDK's HTTP client and WebSocket: open a page,
 * evaluate script in it, take a screenshot. No WebDriver, no extra dependency. Chromium runs with the flags it needs
 * as root and a fresh profile, and is killed on {@link #close()}.
 */
final class HeadlessChromium implements AutoCloseable {
    static final String INSTALL_HINT = "install the Debian package chromium (.ci/run does this); this test must not be skipped";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger ids = new AtomicInteger();

    private HeadlessChromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** Starts Chromium on {@code url} (a 1400x1000 window) and attaches to its page. */
    static HeadlessChromium open(String url, Path profile) throws Exception {
        Path exe = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser").stream().map(Path::of)
                .filter(Files::isExecutable).findFirst().orElse(null);
        if (exe == null) {
            fail("chromium not found: " + INSTALL_HINT);
        }
        Files.createDirectories(profile);
        Process p = new ProcessBuilder(exe.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0", "--window-size=1400,1000", "--hide-scrollbars", url)
                .redirectErrorStream(true).redirectOutput(profile.resolveSibling("chromium.log").toFile()).start();
        try {
            int port = devToolsPort(profile, p);
            HttpClient http = HttpClient.newHttpClient();
            String wsUrl = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (wsUrl == null && System.nanoTime() < deadline) {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                for (JsonNode target : JSON.readTree(list)) {
                    if (target.path("type").asText().equals("page")) {
                        wsUrl = target.path("webSocketDebuggerUrl").asText();
                    }
                }
                Thread.sleep(100);
            }
            if (wsUrl == null) {
                fail("Chromium opened no page target");
            }
            Listener listener = new Listener();
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), listener).get(30, TimeUnit.SECONDS);
            HeadlessChromium chromium = new HeadlessChromium(p, profile, ws);
            listener.owner = chromium;
            return chromium;
        } catch (Exception | AssertionError e) {
            p.destroyForcibly();
            throw e;
        }
    }

    /** Chromium writes the port it picked into the profile's DevToolsActivePort file. */
    private static int devToolsPort(Path profile, Process p) throws Exception {
        Path file = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                fail("chromium exited with " + p.exitValue() + ": " + Files.readString(profile.resolveSibling("chromium.log")));
            }
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).trim());
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("Chromium did not open its DevTools port within 30 s");
    }

    /** Runs a DevTools command and returns its result. */
    JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
        msg.set("params", JSON.valueToTree(params));
        socket.sendText(JSON.writeValueAsString(msg), true).get(10, TimeUnit.SECONDS);
        JsonNode r = reply.get(30, TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + " failed: " + r.get("error"));
        }
        return r.path("result");
    }

    /** Evaluates {@code expression} in the page and returns its value (JSON-serialisable values only). */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (r.has("exceptionDetails")) {
            throw new IllegalStateException("script failed: " + r.get("exceptionDetails"));
        }
        return r.path("result").path("value");
    }

    void screenshot(Path png) throws Exception {
        String data = call("Page.captureScreenshot", Map.of("format", "png", "captureBeyondViewport", true))
                .path("data").asText();
        Files.createDirectories(png.getParent());
        Files.write(png, Base64.getDecoder().decode(data));
    }

    @Override
    public void close() {
        socket.abort();
        Path singleton = singletonDir();
        List<ProcessHandle> children = process.descendants().toList(); // renderers, zygote: gone from the tree later
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
        if (singleton != null) { // Chromium's socket directory under /tmp, outside the profile
            try (var files = Files.walk(singleton)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // best effort
            }
        }
    }

    private Path singletonDir() {
        try {
            Path target = Files.readSymbolicLink(profile.resolve("SingletonSocket"));
            Path dir = target.getParent();
            return dir != null && dir.getFileName().toString().startsWith("org.chromium.") ? dir : null;
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }

    /** Collects each (possibly fragmented) text message and completes the command it answers. */
    private static final class Listener implements WebSocket.Listener {
        private final StringBuilder part = new StringBuilder();
        volatile HeadlessChromium owner;

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                String message = part.toString();
                part.setLength(0);
                try {
                    JsonNode node = JSON.readTree(message);
                    if (node.has("id") && owner != null) {
                        CompletableFuture<JsonNode> f = owner.pending.remove(node.get("id").asInt());
                        if (f != null) {
                            f.complete(node);
                        }
                    }
                } catch (IOException e) {
                    // not a message we wait for
                }
            }
            ws.request(1);
            return null;
        }
    }
}
