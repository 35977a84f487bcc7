package io.fabstir.examples.ops;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The packaged example node as an operator runs it: a child JVM under -javaagent:fabstir-otel-agent.jar. */
final class NodeProcess implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final int port;
    private final Path output;

    private NodeProcess(Process process, int port, Path output) {
        this.process = process;
        this.port = port;
        this.output = output;
    }

    /**
     * Starts the node in {@code dir}. {@code wrapper} (e.g. {@code unshare ... sh -c '... exec "$@"' sh}) is put in
     * front of the java command; {@code properties} are extra -D options.
     */
    static NodeProcess start(Path dir, List<String> wrapper, List<String> properties, String... args)
            throws IOException {
        int port = freePort();
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-javaagent:" + required("fabstir.agent.jar"), "-Dotel.traces.exporter=none",
                "-Dotel.metrics.exporter=none", "-Dfabstir.http.host=127.0.0.1", "-Dfabstir.http.port=" + port,
                "-Dfabstir.log.dir=" + dir.resolve("logs")));
        cmd.addAll(properties);
        cmd.addAll(List.of("-jar", required("fabstir.node.jar"), "--exit-on-stdin-eof"));
        cmd.addAll(List.of(args));
        Files.createDirectories(dir);
        Path out = dir.resolve("node.out");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        return new NodeProcess(p, port, out);
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || !Files.isRegularFile(Path.of(v))) {
            throw new IllegalStateException(property + " (" + v + ") is not built: run the failsafe tests through "
                    + "Maven (mvn -B -ntp verify), which packages the node and the agent first");
        }
        return v;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String target() {
        return "127.0.0.1:" + port;
    }

    /** GET {@code path} on the node's telemetry port; null while it does not answer. */
    HttpResponse<String> get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + target() + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until /metrics answers 200. */
    void awaitMetrics(Duration timeout) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = get("/metrics");
            if (r != null && r.statusCode() == 200) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("the node exited with " + process.exitValue() + ":\n" + output());
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the node's /metrics did not answer within " + timeout + ":\n" + output());
    }

    String output() throws IOException {
        return Files.exists(output) ? Files.readString(output) : "";
    }

    /** Stops the node at once, as a crash or power loss would. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        kill();
    }
}
