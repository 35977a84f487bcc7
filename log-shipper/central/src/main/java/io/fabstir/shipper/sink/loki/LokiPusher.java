package io.fabstir.shipper.sink.loki;

import io.fabstir.shipper.logging.LogExcerpt;
import io.fabstir.shipper.retry.Backoff;
import io.fabstir.shipper.sink.SinkMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one batch of entries to Loki. Returns only when Loki has taken every entry or the entry has been
 * judged undeliverable (the caller sends those to the DLQ); outages and rate limits are waited out with
 * exponential backoff and jitter, so a return always means the whole batch may be committed.
 */
final class LokiPusher {

    private static final Logger LOG = LoggerFactory.getLogger(LokiPusher.class);

    /** An entry Loki will not take, with why. */
    record Rejection(LogEntry entry, String errorType, String reason) {}

    /** Thrown out of a retry wait when the sink is closing: nothing of the batch is acknowledged. */
    static final class Stopped extends RuntimeException {
        Stopped() {
            super("closing", null, false, false);
        }
    }

    /** Waits between retries (and returns early, by {@link Stopped}, when the sink closes). */
    interface Waiter {
        void await(Duration d) throws InterruptedException;
    }

    private final LokiHttp http;
    private final PushEncoder encoder;
    private final int maxBatchBytes;
    private final int maxBatchEntries;
    private final Backoff backoff;
    private final SinkMetrics metrics;

    LokiPusher(LokiHttp http, PushEncoder encoder, int maxBatchBytes, int maxBatchEntries,
               Duration initialBackoff, Duration maxBackoff, SinkMetrics metrics) {
        this.http = http;
        this.encoder = encoder;
        this.maxBatchBytes = maxBatchBytes;
        this.maxBatchEntries = maxBatchEntries;
        this.backoff = new Backoff(initialBackoff, maxBackoff);
        this.metrics = metrics;
    }

    /** What became of a batch: entries Loki refused for good, and entries given up because their partition moved. */
    record Result(List<Rejection> rejected, List<LogEntry> abandoned) {}

    /** One push's collaborators and findings. */
    private record Ctx(Waiter waiter, BooleanSupplier stopping, Predicate<LogEntry> owned, List<Rejection> rejected,
                       List<LogEntry> abandoned) {}

    List<Rejection> push(List<LogEntry> entries, Waiter waiter, BooleanSupplier stopping) {
        return push(entries, waiter, stopping, e -> true).rejected();
    }

    /**
     * Pushes {@code entries}. Before each retry, entries whose partition this consumer no longer owns
     * ({@code owned} false, after a rebalance during an outage) are dropped: their new owner sends them.
     */
    Result push(List<LogEntry> entries, Waiter waiter, BooleanSupplier stopping, Predicate<LogEntry> owned) {
        Ctx ctx = new Ctx(waiter, stopping, owned, new ArrayList<>(), new ArrayList<>());
        for (PushBatch.Request r : PushBatch.split(entries, maxBatchBytes, maxBatchEntries)) {
            deliver(r, ctx, 0);
        }
        return new Result(ctx.rejected(), ctx.abandoned());
    }

    private void deliver(PushBatch.Request request, Ctx ctx, int fixes) {
        PushBatch.Request[] sent = {request};
        LokiHttp.Response resp = sendUntilAnswered(sent, ctx);
        request = sent[0];
        if (resp.accepted()) {
            return;
        }
        if (resp.status() == 413 && request.entryCount() > 1) {
            // Request too large for this Loki: halve until it fits.
            List<LogEntry> all = request.entries();
            int half = all.size() / 2;
            for (List<LogEntry> part : List.of(all.subList(0, half), all.subList(half, all.size()))) {
                for (PushBatch.Request r : PushBatch.split(part, Integer.MAX_VALUE, Integer.MAX_VALUE)) {
                    deliver(r, ctx, fixes);
                }
            }
            return;
        }
        // A 400 is per entry: Loki kept the valid entries and lists the ones it ignored.
        List<LogEntry> entries = request.entries();
        Map<LogEntry, String> failed = matchFailures(request, resp.body());
        if (failed != null) {
            handleRefused(failed, ctx, fixes);
            return;
        }
        if (entries.size() > 1) {
            // Loki did not say which entries: narrow down, stream by stream, then entry by entry. Entries Loki
            // already took are sent again; Loki drops an exact duplicate (same stream, time and line).
            if (request.streams().size() > 1) {
                for (PushBatch.Stream s : request.streams()) {
                    deliver(new PushBatch.Request(List.of(s)), ctx, fixes);
                }
            } else {
                PushBatch.Stream s = request.streams().get(0);
                for (LogEntry e : s.entries()) {
                    deliver(single(e), ctx, fixes);
                }
            }
            return;
        }
        Map<LogEntry, String> one = new IdentityHashMap<>();
        one.put(entries.get(0), "HTTP " + resp.status() + ": " + resp.body().strip());
        handleRefused(one, ctx, fixes);
    }

    /** Fixes what can be fixed and sends it again (once); the rest is rejected with Loki's reason. */
    private void handleRefused(Map<LogEntry, String> failed, Ctx ctx, int fixes) {
        List<LogEntry> resend = new ArrayList<>();
        for (Map.Entry<LogEntry, String> f : failed.entrySet()) {
            LogEntry e = f.getKey();
            String reason = f.getValue();
            LokiErrors.Kind kind = LokiErrors.classify(reason);
            if (fixes == 0) {
                switch (kind) {
                    case OUT_OF_ORDER -> {
                        // Sent again in timestamp order; an entry older than what Loki already holds fails again.
                        resend.add(e);
                        continue;
                    }
                    case LINE_TOO_LONG -> {
                        OptionalInt max = LokiErrors.maxLineSize(reason);
                        int limit = max.isPresent() ? max.getAsInt() : e.line().length() / 2;
                        resend.add(e.withLine(RecordMapper.truncate(e.line(), Math.max(256, limit))));
                        continue;
                    }
                    case METADATA_DISALLOWED -> {
                        // A Loki without structured metadata (before 3.0, or turned off): the ids are in the line too.
                        resend.add(e.withoutMetadata());
                        continue;
                    }
                    case LABELS -> {
                        resend.add(e.withStream(LabelRules.fallbackStream(e.stream())));
                        continue;
                    }
                    default -> { }
                }
            }
            ctx.rejected().add(new Rejection(e, "loki_" + kind.name().toLowerCase(java.util.Locale.ROOT),
                    "loki: " + reason));
        }
        if (!resend.isEmpty()) {
            resend.sort(Comparator.comparingLong(LogEntry::tsNanos));
            for (PushBatch.Request r : PushBatch.split(resend, maxBatchBytes, maxBatchEntries)) {
                deliver(r, ctx, fixes + 1);
            }
        }
    }

    /**
     * Maps Loki's per-entry failures onto the request's entries, or null when the answer does not account for
     * every ignored entry (then the caller narrows down by resending).
     */
    static Map<LogEntry, String> matchFailures(PushBatch.Request request, String body) {
        List<LokiErrors.Failure> failures = LokiErrors.parse(body);
        if (failures.isEmpty()) {
            return null;
        }
        OptionalInt total = LokiErrors.totalIgnored(body);
        if (total.isPresent() && total.getAsInt() != failures.size()) {
            return null; // Loki lists only the first few failures
        }
        Map<String, List<LogEntry>> byTime = new HashMap<>();
        for (PushBatch.Stream s : request.streams()) {
            for (LogEntry e : s.entries()) {
                byTime.computeIfAbsent(e.tsNanos() + "|" + s.key(), k -> new ArrayList<>()).add(e);
                byTime.computeIfAbsent(e.tsNanos() + "|", k -> new ArrayList<>()).add(e);
            }
        }
        Map<LogEntry, String> out = new IdentityHashMap<>();
        for (LokiErrors.Failure f : failures) {
            List<LogEntry> hits = byTime.get(f.tsNanos() + "|" + (f.streamKey() == null ? "" : f.streamKey()));
            if (hits == null) {
                return null;
            }
            // Several entries at the same instant: all are resent or rejected; Loki ignores exact duplicates.
            for (LogEntry e : hits) {
                out.putIfAbsent(e, f.reason());
            }
        }
        return out;
    }

    private static PushBatch.Request single(LogEntry e) {
        return new PushBatch.Request(List.of(new PushBatch.Stream(e.stream(), e.streamKey(), List.of(e))));
    }

    /** Sends {@code request[0]} until Loki answers something other than "try again"; may shrink it (see push). */
    private LokiHttp.Response sendUntilAnswered(PushBatch.Request[] request, Ctx ctx) {
        byte[] body = encoder.encode(request[0]);
        int attempt = 0;
        while (true) {
            if (ctx.stopping().getAsBoolean()) {
                throw new Stopped();
            }
            LokiHttp.Response resp = http.push(body, encoder.contentType());
            if (resp.accepted() || !(resp.retryable() || isConfigProblem(resp.status()))) {
                return resp;
            }
            metrics.retry();
            long jittered = backoff.delayMs(++attempt);
            long waitMs = resp.retryAfter().map(Duration::toMillis)
                    .map(ra -> Math.min(ra, backoff.maxMs())).orElse(jittered);
            LOG.warn("Loki push of {} entries not accepted ({}), retrying in {} ms", request[0].entryCount(),
                    describe(resp), waitMs);
            try {
                ctx.waiter().await(Duration.ofMillis(waitMs));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Stopped();
            }
            PushBatch.Request kept = retainOwned(request[0], ctx);
            if (kept != request[0]) {
                request[0] = kept;
                if (kept.streams().isEmpty()) {
                    return new LokiHttp.Response(204, "", java.util.Optional.empty());
                }
                body = encoder.encode(kept);
            }
        }
    }

    /** The request without entries whose partition was revoked while waiting; the same instance if none was. */
    private static PushBatch.Request retainOwned(PushBatch.Request request, Ctx ctx) {
        boolean changed = false;
        List<PushBatch.Stream> streams = new ArrayList<>();
        for (PushBatch.Stream s : request.streams()) {
            List<LogEntry> keep = new ArrayList<>();
            for (LogEntry e : s.entries()) {
                if (ctx.owned().test(e)) {
                    keep.add(e);
                } else {
                    ctx.abandoned().add(e);
                    changed = true;
                }
            }
            if (!keep.isEmpty()) {
                streams.add(new PushBatch.Stream(s.labels(), s.key(), keep));
            }
        }
        return changed ? new PushBatch.Request(streams) : request;
    }

    /**
     * Auth, routing or format problems (401, 403, 404, 415…) are fixed by an operator, not by dropping data: keep
     * retrying, loudly. Only 400 (per-entry) and 413 (too large) are answered by changing what is sent.
     */
    private static boolean isConfigProblem(int status) {
        return status >= 401 && status < 500 && status != 413;
    }

    private static String describe(LokiHttp.Response resp) {
        String body = resp.body() == null ? "" : LogExcerpt.cut(resp.body().strip());
        if (resp.status() < 0 && body.endsWith(": null")) {
            body = body.substring(0, body.length() - 6);
        }
        return resp.status() < 0 ? body : "HTTP " + resp.status() + (body.isEmpty() ? "" : ": " + body);
    }
}
