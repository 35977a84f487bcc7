package io.fabstir.localservices;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real local Ethereum chain: Foundry's {@code anvil} (npm {@code @foundry-rs/anvil-linux-amd64}) as a child
 * process on a free loopback port. Mines a block per transaction unless a block time is given; its ten dev accounts
 * are unlocked, so callers send transactions with {@code eth_sendTransaction} and never hold a private key.
 *
 * <p>The binary is looked up as {@value #ENV} (environment or system property), then
 * {@code /var/cache/fabstir/npm/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil} (where {@code .ci/run}
 * installs it), then {@code anvil} on the PATH; {@link #find()} says which, {@link #INSTALL_HINT} how to get one.
 */
public final class LocalAnvil implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalAnvil.class);
    public static final String ENV = "FABSTIR_ANVIL";
    static final Path NPM_CACHE = Path.of("/var/cache/fabstir/npm/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
    public static final String INSTALL_HINT =
            "npm install --prefix /var/cache/fabstir/npm @foundry-rs/anvil-linux-amd64@1.7.1 (or set " + ENV
                    + " to an anvil binary)";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path binary;
    private final int port;
    private final Integer blockTimeSeconds;
    private final long chainId;
    private final Path logFile;
    private Process process;
    private Thread hook;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalAnvil(Path binary, int port, Integer blockTimeSeconds, long chainId, Path logFile) {
        this.binary = binary;
        this.port = port;
        this.blockTimeSeconds = blockTimeSeconds;
        this.chainId = chainId;
        this.logFile = logFile;
    }

    /** The anvil binary by the documented lookup, if there is one. */
    public static Optional<Path> find() {
        String configured = SharedServices.setting(ENV);
        if (configured != null) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        if (Files.isExecutable(NPM_CACHE)) return Optional.of(NPM_CACHE);
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (dir.isEmpty()) continue;
                Path p = Path.of(dir, "anvil");
                if (Files.isExecutable(p)) return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code http://127.0.0.1:port}. */
    public String rpcUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long chainId() {
        return chainId;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    private synchronized void start() {
        long t0 = System.nanoTime();
        List<String> anvil = new ArrayList<>(List.of(binary.toString(), "--host", "127.0.0.1", "--port",
                Integer.toString(port), "--chain-id", Long.toString(chainId), "--accounts", "10", "--silent"));
        if (blockTimeSeconds != null) {
            anvil.addAll(List.of("--block-time", blockTimeSeconds.toString()));
        }
        // As for Elasticsearch: "our stdin closed" (this JVM died, even by SIGKILL) becomes SIGTERM then SIGKILL.
        List<String> cmd = new ArrayList<>(List.of("sh", "-c",
                "exec 3<&0; \"$@\" </dev/null & a=$!; "
                        + "( cat <&3 >/dev/null; kill -TERM $a 2>/dev/null; sleep 5; kill -KILL $a 2>/dev/null ) & "
                        + "wait $a", "anvil-wrapper"));
        cmd.addAll(anvil);
        try {
            Files.createDirectories(logFile.toAbsolutePath().getParent());
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start anvil: " + cmd, e);
        }
        hook = new Thread(this::close, "local-anvil-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            awaitRpc();
        } catch (RuntimeException e) {
            stopProcess();
            throw e;
        }
        log.info("anvil ready at {} (chain id {}, {}) in {} ms", rpcUrl(), chainId,
                blockTimeSeconds == null ? "a block per transaction" : "a block every " + blockTimeSeconds + " s",
                (System.nanoTime() - t0) / 1_000_000);
    }

    private void awaitRpc() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("anvil exited with " + process.exitValue() + "; " + logFile + ":\n"
                        + LocalKafka.tail(logFile));
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(rpcUrl()))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(2))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_chainId\",\"params\":[]}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                last = r.statusCode() + " " + r.body();
                if (r.statusCode() == 200 && r.body().contains("\"result\"")) return;
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            LocalKafka.sleep(100);
        }
        throw new IllegalStateException("anvil RPC not answering at " + rpcUrl() + " within " + READY_TIMEOUT
                + " (last: " + last + ")");
    }

    @Override
    public synchronized void close() {
        stopProcess();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // hooks are running
            }
            hook = null;
        }
    }

    private void stopProcess() {
        Process p = process;
        process = null;
        if (p == null) return;
        List<ProcessHandle> tree = new ArrayList<>();
        p.descendants().forEach(tree::add);
        tree.forEach(ProcessHandle::destroy);
        p.destroy();
        if (!LocalKafka.waitFor(p, Duration.ofSeconds(5))) {
            tree.forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            LocalKafka.waitFor(p, Duration.ofSeconds(5));
        }
        tree.forEach(ProcessHandle::destroyForcibly);
        try {
            p.getOutputStream().close();
        } catch (IOException ignored) {
            // gone
        }
    }

    public static final class Builder {
        private Integer blockTimeSeconds;
        private long chainId = 31337;
        private Path dir;
        private Path binary;

        private Builder() {}

        /** Mine a block every {@code seconds} as well (default: only a block per transaction). */
        public Builder blockTimeSeconds(int seconds) {
            this.blockTimeSeconds = seconds;
            return this;
        }

        public Builder chainId(long chainId) {
            this.chainId = chainId;
            return this;
        }

        /** Where anvil's console goes ({@code anvil.log}); default a temporary directory. */
        public Builder dir(Path dir) {
            this.dir = dir;
            return this;
        }

        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        /** Starts anvil and waits for its RPC; fails naming {@link #INSTALL_HINT} when there is no binary. */
        public LocalAnvil start() {
            Path bin = binary != null ? binary : find().orElseThrow(() -> new IllegalStateException(
                    "anvil not found (" + ENV + ", " + NPM_CACHE + ", PATH); install it: " + INSTALL_HINT));
            Path d = dir;
            try {
                if (d == null) d = Files.createTempDirectory("fabstir-anvil-");
                Files.createDirectories(d);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create anvil dir", e);
            }
            LocalAnvil a = new LocalAnvil(bin, FreePorts.next(), blockTimeSeconds, chainId, d.resolve("anvil.log"));
            a.start();
            return a;
        }
    }
}
