package io.fabstir.shipper.demo;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import co.elastic.clients.elasticsearch.core.search.Hit;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabstir.chain.monitor.Rpc;
import io.fabstir.chain.scenario.Deployment;
import io.fabstir.chain.scenario.Scenario;
import io.fabstir.chain.scenario.Transactions;
import io.fabstir.localservices.LocalAnvil;
import io.fabstir.chain.command.ChainConfig;
import io.fabstir.chain.command.ChainService;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's chain part, when {@code anvil} is installed: a local chain, the four contracts deployed, the chain
 * monitor (as {@code fabstir-shipper chain} runs it, on its own /metrics port) writing into the node's log folder so
 * the demo's {@code tail} ships its records, and a short marketplace scenario of real transactions. Without anvil it
 * says how to install it and the demo goes on.
 */
final class ChainDemo implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChainDemo.class);
    static final String EVENT_LOG = "fabstir-chain.json";
    private static final int JOBS = 4;

    private final LocalAnvil anvil;
    private final Rpc rpc;
    private final ChainService service;
    private final CompletableFuture<Scenario> scenario;

    private ChainDemo(LocalAnvil anvil, Rpc rpc, ChainService service, CompletableFuture<Scenario> scenario) {
        this.anvil = anvil;
        this.rpc = rpc;
        this.service = service;
        this.scenario = scenario;
    }

    /** Starts the chain part, or returns null (after saying why) when anvil is not installed. */
    static ChainDemo startIfAvailable(Console console, Path work, Path logDir) throws IOException {
        if (LocalAnvil.find().isEmpty()) {
            console.step("chain: anvil not found, so no contract events in this run; to see them install it: %s",
                    LocalAnvil.INSTALL_HINT);
            return null;
        }
        LocalAnvil anvil = LocalAnvil.builder().dir(work.resolve("anvil")).start();
        Rpc rpc = null;
        ChainService service = null;
        try {
            rpc = Rpc.connect(anvil.rpcUrl());
            Deployment d = Deployment.deploy(rpc, new Transactions(rpc).accounts().get(0));
            Path deployment = work.resolve("deployment.json");
            d.write(deployment);
            console.step("chain: anvil at %s (chain id %d), contracts deployed: %s", anvil.rpcUrl(), d.chainId(),
                    d.addresses().values());
            Scenario s = new Scenario(rpc, d, null);
            Map<String, Object> flags = new LinkedHashMap<>();
            flags.put("rpc_url", anvil.rpcUrl());
            flags.put("deployment_file", deployment.toString());
            flags.put("cursor_file", work.resolve("chain-cursor.json").toString());
            flags.put("event_log", logDir.resolve(EVENT_LOG).toString());
            flags.put("confirmations", "1");
            flags.put("poll_interval_ms", "200");
            flags.put("read_interval_ms", "1000");
            flags.put("gas.price_interval_ms", "5000");
            flags.put("node_address", s.host(2));
            flags.put("metrics_port", Integer.toString(Demo.freePort()));
            ChainConfig cfg = ChainConfig.load(null, Map.of(), flags);
            // Its own registry, as the command's own port: the chain metrics are not mixed with tail's and index's.
            service = ChainService.create(cfg, new PrometheusRegistry()).startMonitor();
            console.step("chain: monitor (fabstir-shipper chain) → %s, /metrics and /health on http://127.0.0.1:%d",
                    logDir.resolve(EVENT_LOG), service.port());
            Rpc scenarioRpc = rpc;
            CompletableFuture<Scenario> run = CompletableFuture.supplyAsync(() -> {
                try {
                    s.runShort(JOBS);
                    s.mine(1); // the confirmation of the last block
                    return s;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, r -> new Thread(r, "demo-chain-scenario").start());
            run.whenComplete((done, e) -> {
                if (e == null) {
                    console.step("chain: scenario done: 2 hosts registered, %d jobs posted, completed and paid, one "
                            + "slashing, one proposal (%d events)", JOBS, done.emittedTotal());
                } else {
                    log.error("chain scenario failed at {}", scenarioRpc.url(), e);
                }
            });
            return new ChainDemo(anvil, rpc, service, run);
        } catch (IOException | RuntimeException e) {
            if (service != null) service.close();
            if (rpc != null) rpc.close();
            anvil.close();
            throw e;
        }
    }

    /**
     * Prints the contract records in Elasticsearch and the monitor's counters; returns null when every event the
     * scenario emitted is there exactly once, else what is wrong.
     */
    String report(Console console, ElasticsearchClient client) throws IOException, InterruptedException {
        Scenario s;
        try {
            s = scenario.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            return "the chain scenario failed: " + e;
        }
        int expected = s.emittedTotal();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        SearchResponse<ObjectNode> r;
        do {
            client.indices().refresh(x -> x.index(Report.ALL_INDICES).allowNoIndices(true));
            r = client.search(q -> q.index(Report.ALL_INDICES).allowNoIndices(true).ignoreUnavailable(true).size(200)
                    .query(x -> x.term(t -> t.field("event.dataset").value("fabstir.contract")))
                    .trackTotalHits(t -> t.enabled(true)), ObjectNode.class);
            if (r.hits().total() != null && r.hits().total().value() >= expected) break;
            Thread.sleep(500);
        } while (System.nanoTime() - deadline < 0);
        Map<String, Integer> stored = new TreeMap<>();
        for (Hit<ObjectNode> h : r.hits().hits()) {
            stored.merge(Report.field(h.source(), "fabstir.chain.contract") + "." + Report.field(h.source(), "event.action"),
                    1, Integer::sum);
        }
        console.line("Contract events (event.dataset fabstir.contract) in Elasticsearch, by contract and event:");
        stored.forEach((k, v) -> console.line("  %-36s %,5d", k, v));
        for (Hit<ObjectNode> h : r.hits().hits()) {
            if ("NodeSlashed".equals(Report.field(h.source(), "event.action"))) {
                console.raw("  the slashing, an audit record at " + Report.field(h.source(), "log.level") + ": "
                        + Report.field(h.source(), "message"));
            }
        }
        console.line("The chain monitor's /metrics (http://127.0.0.1:%d/metrics):", service.port());
        String metrics = get("/metrics");
        for (String line : metrics.split("\n")) {
            if (line.startsWith("fabstir_contract_events_total{") && !line.endsWith(" 0.0")
                    || line.startsWith("fabstir_payments_released_eth_total{") || line.startsWith("fabstir_gas_price_gwei ")
                    || line.startsWith("fabstir_staking_balance_eth{") || line.startsWith("fabstir_reputation_score{")
                    || line.startsWith("fabstir_earnings_eth_total{") || line.startsWith("fabstir_health_status{")) {
                console.raw("  " + line);
            }
        }
        Map<String, Integer> emitted = new TreeMap<>(s.emitted());
        if (!stored.equals(emitted)) {
            return "contract records in Elasticsearch " + stored + " differ from the events emitted " + emitted;
        }
        return null;
    }

    int port() {
        return service.port();
    }

    private String get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.port() + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Override
    public void close() {
        scenario.cancel(true);
        service.close();
        rpc.close();
        anvil.close();
    }
}
