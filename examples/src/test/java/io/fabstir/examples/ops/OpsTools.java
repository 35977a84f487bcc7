package io.fabstir.examples.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** Runs the Prometheus ecosystem's own tools and reads the ops artefacts of the examples module. */
public final class OpsTools {
    public static final String INSTALL_HINT = "install the Debian packages: apt-get install prometheus prometheus-alertmanager"
            + " (.ci/run does this); these checks must not be skipped";

    private OpsTools() {
    }

    /** The examples module directory (surefire sets basedir; an IDE runs in it). */
    static Path moduleDir() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    }

    static Path artefact(String relative) {
        Path p = moduleDir().resolve(relative);
        if (!Files.isRegularFile(p)) {
            fail("missing " + p);
        }
        return p;
    }

    record Result(int exitCode, String output) {
    }

    /** Runs a tool found on PATH; a missing tool fails the test (never skips) with what to install. */
    static Result run(Path workDir, String tool, String... args) {
        Path exe = onPath(tool);
        if (exe == null) {
            fail(tool + " not found on PATH: " + INSTALL_HINT);
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", cmd) + " did not finish in 120 s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Path onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, tool);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
