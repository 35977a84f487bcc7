package io.fabstir.chain.bench;

import io.fabstir.chain.monitor.ChainMonitor;
import io.fabstir.chain.monitor.Rpc;
import io.fabstir.chain.scenario.Deployment;
import io.fabstir.chain.scenario.Scenario;
import io.fabstir.chain.scenario.Transactions;
import io.fabstir.localservices.LocalAnvil;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Harness (not a test): how fast the chain monitor reads, decodes and writes contract events from a real anvil, and
 * how many JSON-RPC calls it makes per block, for dense blocks (many events each), sparse blocks (one event each)
 * and empty blocks. Each phase is read by a fresh monitor from its first block, with 0 confirmations.
 *
 * <pre>
 * mvn -B -ntp -Dbuild.out=target-chain -pl chain-monitor -am test-compile dependency:build-classpath \
 *     -Dmdep.includeScope=test -Dmdep.outputFile=$PWD/chain-bench.cp
 * java -cp chain-monitor/target-chain/test-classes:chain-monitor/target-chain/classes:$(cat chain-bench.cp) \
 *     io.fabstir.chain.bench.ChainMonitorBenchmark 20 200 300
 * </pre>
 * Arguments: dense blocks, events per dense block, sparse blocks.
 */
public final class ChainMonitorBenchmark {
    private ChainMonitorBenchmark() {}

    public static void main(String[] args) throws Exception {
        int denseBlocks = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int perBlock = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        int sparseBlocks = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        Path dir = Files.createTempDirectory("chain-bench-");
        try (LocalAnvil anvil = LocalAnvil.builder().dir(dir).start()) {
            Rpc rpc = Rpc.connect(anvil.rpcUrl(), Duration.ofSeconds(120));
            Deployment d = Deployment.deploy(rpc, new Transactions(rpc).accounts().get(0));
            Scenario s = new Scenario(rpc, d, null);
            s.registerHost(1, BigDecimal.ONE);

            System.out.printf("anvil 1.7.1: %d dense blocks x %d JobPosted, %d sparse blocks x 1, 2,000 empty blocks; "
                    + "each phase is built, then read twice per setting (the head is the phase's last block)%n",
                    denseBlocks, perBlock, sparseBlocks);
            System.out.println("| phase | gas tracking | blocks | events | seconds | events/s | RPC calls | calls/block |");
            System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
            long denseFrom = head(rpc) + 1;
            for (int b = 0; b < denseBlocks; b++) s.postJobsInOneBlock(perBlock, new BigDecimal("0.01"));
            measure("dense", dir, anvil, d, denseFrom, head(rpc));
            long sparseFrom = head(rpc) + 1;
            for (int b = 0; b < sparseBlocks; b++) s.postJob(new BigDecimal("0.01"));
            measure("sparse", dir, anvil, d, sparseFrom, head(rpc));
            long emptyFrom = head(rpc) + 1;
            s.mine(2_000);
            measure("empty", dir, anvil, d, emptyFrom, head(rpc));
        }
    }

    private static void measure(String name, Path dir, LocalAnvil anvil, Deployment d, long from, long to)
            throws Exception {
        for (int round = 0; round < 2; round++) {
            for (boolean gas : new boolean[] {true, false}) phase(name, dir, anvil, d, from, to, gas);
        }
    }

    private static void phase(String name, Path dir, LocalAnvil anvil, Deployment d, long from, long to, boolean gas)
            throws Exception {
        Path work = Files.createTempDirectory(dir, name);
        Rpc rpc = Rpc.connect(anvil.rpcUrl());
        ChainMonitor m = ChainMonitor.builder().rpc(rpc).contracts(d.addresses()).cursorFile(work.resolve("cursor.json"))
                .eventLog(work.resolve("chain.json")).confirmations(0).startBlock(from).pollInterval(Duration.ofMillis(1))
                .maxBlockRange(1000).trackGas(gas).registry(new PrometheusRegistry()).build();
        long t0 = System.nanoTime();
        m.start();
        while (m.nextBlock() <= to) Thread.sleep(1);
        double seconds = (System.nanoTime() - t0) / 1e9;
        m.close();
        long blocks = to - from + 1;
        // The first poll's eth_chainId and the final poll that found nothing new are included.
        long calls = rpc.calls();
        System.out.printf("| %s | %s | %,d | %,d | %.2f | %,.0f | %,d | %.3f |%n", name, gas ? "on" : "off", blocks,
                m.eventsProcessed(), seconds, m.eventsProcessed() / seconds, calls, (double) calls / blocks);
        rpc.close();
    }

    private static long head(Rpc rpc) throws Exception {
        return rpc.web3j().ethBlockNumber().send().getBlockNumber().longValueExact();
    }
}
