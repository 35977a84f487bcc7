package io.fabstir.shipper.index;

import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/** Realistic enriched records (~600 bytes) of every event kind, flat dotted ECS keys as the edge writes them. */
public final class SampleRecords {
    private static final String[] MODELS = {"llama-3.1-8b", "mistral-7b-instruct", "qwen2.5-14b"};
    private static final String[] NODES = {"node-a1", "node-b2", "node-c3", "node-d4"};

    private SampleRecords() {
    }

    public static String nodeOf(long i) {
        return NODES[(int) (i % NODES.length)];
    }

    /** Record number {@code i} of a run named {@code run}; its {@code event.id} is {@code run-i}. */
    public static String record(String run, long i, Instant at) {
        String node = nodeOf(i);
        String common = String.format(Locale.ROOT,
                "\"@timestamp\":\"%s\",\"event.id\":\"%s-%d\",\"service.name\":\"fabstir-node\",\"service.version\":\"1.4.2\","
                        + "\"host.name\":\"gpu-host-%s\",\"fabstir.node_id\":\"%s\",\"deployment.environment\":\"prod\","
                        + "\"process.thread.name\":\"job-worker-%d\",\"trace.id\":\"%032x\",\"span.id\":\"%016x\"",
                at, run, i, node, node, i % 8, i * 7919 + 1, i * 104729 + 1);
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String model = MODELS[(int) (i % MODELS.length)];
        return switch ((int) (i % 6)) {
            case 0 -> "{" + common + ",\"log.level\":\"INFO\",\"log.logger\":\"io.fabstir.node.jobs.JobRunner\","
                    + "\"event.dataset\":\"fabstir.job\",\"event.action\":\"job.completed\",\"event.outcome\":\"success\","
                    + "\"event.duration\":" + r.nextLong(1_000_000_000L, 90_000_000_000L) + ",\"fabstir.job.id\":\"job-" + i
                    + "\",\"fabstir.job.model\":\"" + model + "\",\"fabstir.job.tokens_used\":" + r.nextInt(50, 4000)
                    + ",\"message\":\"Job job-" + i + " completed on " + model + " with " + r.nextInt(50, 4000)
                    + " tokens\"}";
            case 1 -> "{" + common + ",\"log.level\":\"INFO\",\"log.logger\":\"io.fabstir.node.audit.AuditTrail\","
                    + "\"event.dataset\":\"fabstir.audit\",\"event.action\":\"stake.deposited\",\"user.id\":\"0xab"
                    + Long.toHexString(i) + "\",\"fabstir.audit.actor\":\"operator\",\"fabstir.audit.amount_eth\":"
                    + r.nextInt(1, 100) / 10.0 + ",\"message\":\"Operator deposited stake for node " + node + "\"}";
            case 2 -> "{" + common + ",\"log.level\":\"DEBUG\",\"log.logger\":\"io.fabstir.node.perf.Timings\","
                    + "\"event.dataset\":\"fabstir.performance\",\"fabstir.perf.operation\":\"model.load\","
                    + "\"event.duration\":" + r.nextLong(1_000_000L, 900_000_000L) + ",\"labels.gpu_index\":\"" + (i % 4)
                    + "\",\"labels.cache\":\"warm\",\"message\":\"model.load took longer than usual on the first request\"}";
            case 3 -> "{" + common + ",\"log.level\":\"WARN\",\"log.logger\":\"io.fabstir.node.p2p.PeerManager\","
                    + "\"event.dataset\":\"fabstir.app\",\"message\":\"Peer 12D3KooW" + Long.toHexString(i * 31)
                    + " disconnected after 3 missed heartbeats; reconnecting with backoff 2s (attempt 1 of 5)\"}";
            case 4 -> "{" + common + ",\"log.level\":\"ERROR\",\"log.logger\":\"io.fabstir.node.jobs.JobRunner\","
                    + "\"event.dataset\":\"fabstir.job\",\"event.action\":\"job.failed\",\"event.outcome\":\"failure\","
                    + "\"fabstir.job.id\":\"job-" + i + "\",\"error.type\":\"java.lang.IllegalStateException\","
                    + "\"error.message\":\"CUDA out of memory\",\"error.stack_trace\":\"java.lang.IllegalStateException: "
                    + "CUDA out of memory\\n\\tat io.fabstir.node.jobs.JobRunner.run(JobRunner.java:88)\","
                    + "\"message\":\"Job failed\"}";
            default -> "{" + common + ",\"event.dataset\":\"fabstir.unparsed\",\"fabstir.parse_error\":"
                    + "\"Unrecognized token '2026'\",\"message\":\"2026-11-24 07:00:00 plain text line from a third-party "
                    + "library that does not log JSON, kept whole as the message " + i + "\"}";
        };
    }
}
