package io.fabstir.chain.monitor;

import io.fabstir.chain.contracts.ContractReader;
import io.fabstir.chain.contracts.DecodedEvent;
import io.fabstir.chain.contracts.EventCatalog;
import io.fabstir.chain.contracts.FabstirContract;
import io.fabstir.chain.gas.GasTracker;
import io.fabstir.chain.health.ChainHealth;
import io.fabstir.shipper.retry.Backoff;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.web3j.protocol.Web3j;
import org.web3j.protocol.core.DefaultBlockParameter;
import org.web3j.protocol.core.methods.request.EthFilter;
import org.web3j.protocol.core.methods.response.EthBlock;
import org.web3j.protocol.core.methods.response.EthLog;
import org.web3j.protocol.core.methods.response.Log;
import org.web3j.protocol.core.methods.response.TransactionReceipt;

/**
 * Follows the Fabstir contracts' events with {@code eth_getLogs} over confirmed blocks only (head minus the
 * confirmation depth, so a re-organisation shallower than that never reaches a record), writes one record per event
 * to the event log, moves the persisted cursor past a range only once its records are on disk, then counts the
 * events in the metrics. A failing or garbled RPC is logged, turns {@code node_connectivity} unhealthy, and is
 * retried with exponential backoff; the cursor stays where it was.
 */
public final class ChainMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChainMonitor.class);

    /** Which function emits each event: the {@code method} label of the gas metrics. */
    static final Map<String, String> METHOD_OF_EVENT = Map.of(
            "NodeRegistered", "register", "NodeSlashed", "slash", "JobPosted", "postJob",
            "JobCompleted", "completeJob", "PaymentReleased", "release", "ProposalCreated", "propose");

    private final Rpc rpc;
    private final Web3j web3j;
    private final Map<FabstirContract, String> contracts;
    private final EventCatalog catalog;
    private final ContractReader reader;
    private final BlockCursor cursor;
    private final Path eventLogFile;
    private final int confirmations;
    private final Duration pollInterval;
    private final long maxRange;
    private final long startBlock;
    private final boolean trackGas;
    private final Duration readInterval;
    private final String serviceName;
    private final ChainMetrics metrics;
    private final GasTracker gas;
    private final ChainHealth health;
    private final Economics economics;
    private final Backoff backoff;

    private volatile boolean stopped;
    private Thread thread;
    private EventLog eventLog;
    private EventRecords records;
    private long chainId = -1;
    private long next = -1;
    private long lastRead;
    private final AtomicLong eventsProcessed = new AtomicLong();
    private final AtomicLong blocksProcessed = new AtomicLong();

    private ChainMonitor(Builder b) {
        this.rpc = Objects.requireNonNull(b.rpc, "rpc");
        this.web3j = rpc.web3j();
        this.contracts = new EnumMap<>(b.contracts);
        if (!contracts.containsKey(FabstirContract.NODE_REGISTRY)) {
            throw new IllegalArgumentException("contracts.node_registry is required");
        }
        this.catalog = new EventCatalog(contracts);
        this.reader = new ContractReader(web3j);
        this.cursor = new BlockCursor(Objects.requireNonNull(b.cursorFile, "cursor file"));
        this.eventLogFile = Objects.requireNonNull(b.eventLog, "event log");
        this.confirmations = b.confirmations;
        this.pollInterval = b.pollInterval;
        this.maxRange = b.maxRange;
        this.startBlock = b.startBlock;
        this.trackGas = b.trackGas;
        this.readInterval = b.readInterval;
        this.serviceName = b.serviceName;
        this.backoff = new Backoff(Duration.ofMillis(250), b.backoffMax);
        PrometheusRegistry registry = Objects.requireNonNull(b.registry, "registry");
        this.metrics = new ChainMetrics(registry);
        catalog.events().forEach(e -> metrics.declare(e.getKey(), e.getValue()));
        this.gas = b.gasTracker != null ? b.gasTracker : GasTracker.register(registry);
        this.health = b.health != null ? b.health : new ChainHealth(Duration.ofMinutes(5), Clock.systemUTC());
        this.economics = b.nodeAddress == null ? null
                : new Economics(registry, reader, contracts, b.nodeAddress.toLowerCase(Locale.ROOT));
    }

    public static Builder builder() {
        return new Builder();
    }

    public ChainHealth health() {
        return health;
    }

    /** The next block to read (-1 before the first successful start). */
    public synchronized long nextBlock() {
        return next;
    }

    public long eventsProcessed() {
        return eventsProcessed.get();
    }

    public long blocksProcessed() {
        return blocksProcessed.get();
    }

    public Rpc rpc() {
        return rpc;
    }

    /** Starts the polling thread. */
    public synchronized ChainMonitor start() {
        if (thread != null) throw new IllegalStateException("already started");
        thread = new Thread(this::loop, "chain-monitor");
        thread.setDaemon(true);
        thread.start();
        return this;
    }

    /** Polls until {@link #close()}; for a command's main thread. */
    public void runUntilClosed() {
        loop();
    }

    private void loop() {
        int failures = 0;
        while (!stopped) {
            boolean more;
            try {
                more = poll();
                if (failures > 0) {
                    log.info("chain RPC {} answers again after {} failed polls; reading from block {}", rpc.url(),
                            failures, next);
                }
                failures = 0;
            } catch (IOException | RuntimeException e) {
                if (stopped) break;
                failures++;
                metrics.rpcError();
                String why = e.getMessage() == null ? e.toString() : e.getMessage();
                health.rpcFailed("RPC " + rpc.url() + ": " + why);
                long delay = backoff(failures);
                String at = next < 0 ? "not started" : "stays at block " + next;
                if (failures == 1) {
                    log.error("chain RPC {} failed: {}; retrying in {} ms (cursor {})", rpc.url(), why, delay, at);
                } else {
                    log.warn("chain RPC {} still failing (attempt {}): {}; retrying in {} ms (cursor {})", rpc.url(),
                            failures, why, delay, at);
                }
                sleep(delay);
                continue;
            }
            if (!more) sleep(pollInterval.toMillis());
        }
    }

    long backoff(int failures) {
        return backoff.delayMs(failures);
    }

    /**
     * One poll: reads and commits at most one range of confirmed blocks. Returns whether more confirmed blocks are
     * waiting (poll again at once).
     */
    synchronized boolean poll() throws IOException {
        if (chainId < 0) open();
        long head = Rpc.send(web3j.ethBlockNumber()).getBlockNumber().longValueExact();
        health.headSeen(head);
        readContracts();
        long safe = head - confirmations;
        if (safe < next) return false;
        long to = Math.min(safe, next + maxRange - 1);
        processRange(next, to);
        return to < safe;
    }

    private void open() throws IOException {
        long id = Rpc.send(web3j.ethChainId()).getChainId().longValueExact();
        long saved = cursor.load(id).orElse(startBlock);
        eventLog = new EventLog(eventLogFile);
        records = new EventRecords(serviceName, id);
        next = saved;
        chainId = id;
        log.info("chain monitor: chain id {} at {}, contracts {}, reading from block {} ({} confirmations), "
                        + "records to {}, cursor {}", id, rpc.url(), addresses(), next, confirmations, eventLogFile,
                cursor.file());
    }

    private void readContracts() {
        long now = System.nanoTime();
        if (lastRead != 0 && now - lastRead < readInterval.toNanos()) return;
        lastRead = now;
        try {
            health.contractsRead(reader.nodeCount(contracts.get(FabstirContract.NODE_REGISTRY)).longValueExact());
            if (economics != null) economics.refresh();
        } catch (IOException | RuntimeException e) {
            health.contractsFailed("NodeRegistry at " + contracts.get(FabstirContract.NODE_REGISTRY)
                    + " read failed: " + e.getMessage());
            log.warn("contract read failed: {}", e.getMessage());
        }
    }

    private void processRange(long from, long to) throws IOException {
        EthFilter filter = new EthFilter(DefaultBlockParameter.valueOf(BigInteger.valueOf(from)),
                DefaultBlockParameter.valueOf(BigInteger.valueOf(to)), new ArrayList<>(contracts.values()));
        List<DecodedEvent> events = new ArrayList<>();
        for (EthLog.LogResult<?> lr : Rpc.send(web3j.ethGetLogs(filter)).getLogs()) {
            Log l = (Log) lr.get();
            if (Boolean.TRUE.equals(l.isRemoved())) continue;
            DecodedEvent e;
            try {
                e = catalog.decode(l);
            } catch (RuntimeException bad) {
                // A garbled answer: the range is read again after a backoff, never skipped.
                throw new IOException("log " + l.getTransactionHash() + "#" + l.getLogIndex() + " of "
                        + l.getAddress() + " does not decode: " + bad.getMessage(), bad);
            }
            if (e != null) events.add(e);
        }
        events.sort(Comparator.comparingLong(DecodedEvent::blockNumber).thenComparingLong(DecodedEvent::logIndex));

        Map<Long, Instant> blockTimes = new HashMap<>();
        Map<String, TransactionReceipt> receipts = new HashMap<>();
        List<byte[]> lines = new ArrayList<>(events.size());
        List<Runnable> count = new ArrayList<>(events.size() * 2);
        Map<String, DecodedEvent> firstOfTx = new LinkedHashMap<>();
        for (DecodedEvent e : events) {
            Instant time = blockTimes.get(e.blockNumber());
            if (time == null) {
                time = block(e.blockNumber(), e.blockHash());
                blockTimes.put(e.blockNumber(), time);
                if (trackGas) receipts.putAll(receipts(e.blockNumber()));
            }
            EventRecords.JobInfo job = null;
            if ("JobCompleted".equals(e.event()) && contracts.containsKey(FabstirContract.JOB_MARKETPLACE)) {
                ContractReader.Job j = reader.job(contracts.get(FabstirContract.JOB_MARKETPLACE), e.uint("jobId"),
                        e.blockNumber());
                job = new EventRecords.JobInfo(j.modelId(), EventCatalog.eth(j.payment()), j.postedAt(), j.completedAt());
            }
            lines.add(records.record(e, time, job));
            count.add(countEvent(e, job));
            firstOfTx.putIfAbsent(e.txHash(), e);
        }
        if (trackGas) {
            for (DecodedEvent e : firstOfTx.values()) {
                TransactionReceipt r = receipts.get(e.txHash().toLowerCase(Locale.ROOT));
                if (r == null) continue;
                String method = METHOD_OF_EVENT.getOrDefault(e.event(), "unknown");
                count.add(() -> gas.track(r, method, e.contract().contractName()));
            }
        }
        eventLog.append(lines);
        cursor.save(chainId, to + 1);
        next = to + 1;
        count.forEach(Runnable::run);
        eventsProcessed.addAndGet(events.size());
        blocksProcessed.addAndGet(to - from + 1);
        if (!events.isEmpty()) log.debug("blocks {}..{}: {} events", from, to, events.size());
    }

    private Runnable countEvent(DecodedEvent e, EventRecords.JobInfo job) {
        return () -> {
            metrics.event(e);
            switch (e.event()) {
                case "JobPosted" -> metrics.jobPosted(e.text("modelId"), EventCatalog.eth(e.uint("payment")));
                case "PaymentReleased" -> metrics.paymentReleased(EventCatalog.eth(e.uint("amount")));
                case "JobCompleted" -> {
                    if (job != null) metrics.jobCompleted(job.model(), Math.max(0, job.completedAt() - job.postedAt()));
                }
                default -> { }
            }
        };
    }

    /** The block's time; fails when its hash is not the one the log names (a re-organisation deeper than the depth). */
    private Instant block(long number, String expectedHash) throws IOException {
        EthBlock.Block b = Rpc.send(web3j.ethGetBlockByNumber(DefaultBlockParameter.valueOf(BigInteger.valueOf(number)),
                false)).getBlock();
        if (expectedHash != null && !expectedHash.equalsIgnoreCase(b.getHash())) {
            throw new IOException("block " + number + " changed under the read (hash " + b.getHash() + ", log says "
                    + expectedHash + "): a re-organisation deeper than " + confirmations
                    + " confirmations; raise confirmations");
        }
        return Instant.ofEpochSecond(b.getTimestamp().longValueExact());
    }

    private Map<String, TransactionReceipt> receipts(long block) throws IOException {
        Map<String, TransactionReceipt> out = new HashMap<>();
        var r = Rpc.send(web3j.ethGetBlockReceipts(DefaultBlockParameter.valueOf(BigInteger.valueOf(block))));
        r.getBlockReceipts().ifPresent(list -> list.forEach(t -> out.put(t.getTransactionHash().toLowerCase(Locale.ROOT), t)));
        return out;
    }

    private String addresses() {
        StringBuilder sb = new StringBuilder();
        contracts.forEach((c, a) -> sb.append(sb.length() == 0 ? "" : ", ").append(c.contractName()).append('=').append(a));
        return sb.toString();
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped = true;
        }
    }

    @Override
    public void close() {
        stopped = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            try {
                if (eventLog != null) eventLog.close();
            } catch (IOException e) {
                log.warn("closing {}: {}", eventLogFile, e.toString());
            }
        }
    }

    public static final class Builder {
        private Rpc rpc;
        private final Map<FabstirContract, String> contracts = new EnumMap<>(FabstirContract.class);
        private Path cursorFile;
        private Path eventLog;
        private int confirmations = 2;
        private Duration pollInterval = Duration.ofSeconds(2);
        private long maxRange = 1000;
        private long startBlock;
        private boolean trackGas = true;
        private Duration readInterval = Duration.ofSeconds(15);
        private String serviceName = "fabstir-chain-monitor";
        private PrometheusRegistry registry;
        private GasTracker gasTracker;
        private ChainHealth health;
        private String nodeAddress;
        private Duration backoffMax = Duration.ofSeconds(30);

        private Builder() {}

        public Builder rpc(Rpc rpc) {
            this.rpc = rpc;
            return this;
        }

        public Builder contract(FabstirContract c, String address) {
            contracts.put(c, address);
            return this;
        }

        public Builder contracts(Map<FabstirContract, String> all) {
            contracts.putAll(all);
            return this;
        }

        public Builder cursorFile(Path f) {
            this.cursorFile = f;
            return this;
        }

        /** The JSON-lines file the records go to (shipped by {@code tail}). */
        public Builder eventLog(Path f) {
            this.eventLog = f;
            return this;
        }

        /** Blocks below the head a block must be to be read (reorg safety); default 2. */
        public Builder confirmations(int n) {
            if (n < 0) throw new IllegalArgumentException("confirmations must be >= 0");
            this.confirmations = n;
            return this;
        }

        public Builder pollInterval(Duration d) {
            this.pollInterval = d;
            return this;
        }

        /** Most blocks per {@code eth_getLogs}; default 1000. */
        public Builder maxBlockRange(long n) {
            if (n < 1) throw new IllegalArgumentException("max block range must be >= 1");
            this.maxRange = n;
            return this;
        }

        /** Where the very first run starts (later runs continue from the cursor); default 0. */
        public Builder startBlock(long n) {
            this.startBlock = n;
            return this;
        }

        public Builder trackGas(boolean on) {
            this.trackGas = on;
            return this;
        }

        /** How often the contracts are read (health check, economic gauges); default 15 s. */
        public Builder readInterval(Duration d) {
            this.readInterval = d;
            return this;
        }

        public Builder serviceName(String s) {
            this.serviceName = s;
            return this;
        }

        public Builder registry(PrometheusRegistry r) {
            this.registry = r;
            return this;
        }

        public Builder gasTracker(GasTracker g) {
            this.gasTracker = g;
            return this;
        }

        public Builder health(ChainHealth h) {
            this.health = h;
            return this;
        }

        /** The operator's node address: its stake, reputation and earnings become gauges. */
        public Builder nodeAddress(String a) {
            this.nodeAddress = a;
            return this;
        }

        public Builder backoffMax(Duration d) {
            this.backoffMax = d;
            return this;
        }

        public ChainMonitor build() {
            return new ChainMonitor(this);
        }
    }
}
