package io.fabstir.examples.dashboard;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example node under {@code -javaagent:fabstir-otel-agent.jar} with the dashboard on (pushes every 700 ms), as
 * the browser tests run it; {@link #url()} is the page's address the node logged.
 */
final class DashboardNode implements AutoCloseable {
    private static final Pattern DASHBOARD_URL = Pattern.compile("Fabstir dashboard on (https?://\\S+/dashboard/)");

    private final Process process;
    private final Path output;
    private final String url;

    private DashboardNode(Process process, Path output, String url) {
        this.process = process;
        this.output = output;
        this.url = url;
    }

    /** Starts the node in {@code dir} with {@code properties} (-D options) and waits for its dashboard URL. */
    static DashboardNode start(Path dir, List<String> properties, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-javaagent:" + System.getProperty("fabstir.agent.jar"),
                "-Dotel.traces.exporter=none", "-Dotel.metrics.exporter=none",
                "-Dfabstir.http.host=127.0.0.1", "-Dfabstir.http.port=0",
                "-Dfabstir.dashboard.enabled=true", "-Dfabstir.dashboard.interval=700ms",
                "-Dfabstir.log.dir=" + dir.resolve("logs")));
        cmd.addAll(properties);
        cmd.addAll(List.of("-jar", System.getProperty("fabstir.node.jar"), "--exit-on-stdin-eof"));
        cmd.addAll(List.of(args));
        Path output = dir.resolve("node.out");
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher m = DASHBOARD_URL.matcher(read(output));
            if (m.find()) {
                return new DashboardNode(p, output, m.group(1));
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new AssertionError("the node logged no dashboard URL within 60 s: " + read(output));
    }

    String url() {
        return url;
    }

    String output() throws IOException {
        return read(output);
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        assertThat(process.isAlive()).isFalse();
    }
}
