package io.fabstir.shipper.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The example node as a child JVM under {@code -javaagent}, the way an operator runs a node. Its stdin is a pipe
 * this JVM holds and it runs with {@code --exit-on-stdin-eof}: if this JVM dies, even by SIGKILL, the pipe closes
 * and the node exits, so it is never left behind.
 */
final class NodeProcess implements AutoCloseable {
    private final Process process;
    private final Path output;
    private NodeProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    static NodeProcess start(Artifacts jars, Path dir, Map<String, String> systemProperties, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC",
                "-javaagent:" + jars.agentJar()));
        systemProperties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-jar");
        cmd.add(jars.nodeJar().toString());
        cmd.addAll(args);
        cmd.add("--exit-on-stdin-eof");
        Path out = dir.resolve("node.out");
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            return new NodeProcess(p, out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the example node: " + String.join(" ", cmd), e);
        }
    }

    long pid() {
        return process.pid();
    }

    /** Waits up to {@code timeout}; true when the node has exited. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int exitValue() {
        return process.exitValue();
    }

    Path output() {
        return output;
    }

    /** The last {@code lines} lines of the node's console output. */
    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(output, StandardCharsets.UTF_8);
            return String.join(System.lineSeparator(), all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read " + output + ": " + e + ")";
        }
    }

    /** Closing stdin asks the node to finish its jobs and exit; SIGTERM, then SIGKILL, if it does not. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
