package io.fabstir.otel.events;

import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

import java.time.Duration;

/**
 * Inference-job lifecycle events: {@code event.dataset=fabstir.job}, {@code event.action=job.started|job.completed|
 * job.failed}, {@code event.outcome}, {@code event.duration} (ns), {@code fabstir.job.id}, {@code fabstir.job.model},
 * {@code fabstir.job.tokens_used}.
 */
public final class JobEvents {

    static final String DATASET = "fabstir.job";

    private final Logger log;
    private final Fields fields;

    JobEvents(Logger log, Fields fields) {
        this.log = log;
        this.fields = fields;
    }

    /** Extra field on every event of this instance, e.g. {@code with("fabstir.job.gpu_index", 0)}. */
    public JobEvents with(String key, Object value) {
        return new JobEvents(log, fields.with(key, value));
    }

    public void started(String jobId, String model) {
        LoggingEventBuilder b = begin(Level.INFO, "job.started", "unknown", jobId, model);
        if (b != null) {
            b.log("job {} started (model {})", jobId, model);
        }
        for (FabstirEventListener l : FabstirEvents.LISTENERS) {
            Fields.notify(() -> l.jobStarted(jobId, model));
        }
    }

    public void completed(String jobId, String model, long tokensUsed, Duration duration) {
        LoggingEventBuilder b = begin(Level.INFO, "job.completed", "success", jobId, model);
        if (b != null) {
            b.addKeyValue("fabstir.job.tokens_used", tokensUsed);
            b.addKeyValue("event.duration", duration.toNanos());
            b.log("job {} completed (model {}, {} tokens, {} ms)", jobId, model, tokensUsed, duration.toMillis());
        }
        for (FabstirEventListener l : FabstirEvents.LISTENERS) {
            Fields.notify(() -> l.jobCompleted(jobId, model, tokensUsed, duration));
        }
    }

    public void failed(String jobId, String model, Throwable error) {
        failed(jobId, model, error, null);
    }

    /** {@code duration} may be null when unknown. */
    public void failed(String jobId, String model, Throwable error, Duration duration) {
        LoggingEventBuilder b = begin(Level.ERROR, "job.failed", "failure", jobId, model);
        if (b != null) {
            if (duration != null) {
                b.addKeyValue("event.duration", duration.toNanos());
            }
            if (error != null) {
                b.setCause(error);
            }
            b.log("job {} failed (model {}): {}", jobId, model, error == null ? "unknown error" : error.toString());
        }
        for (FabstirEventListener l : FabstirEvents.LISTENERS) {
            Fields.notify(() -> l.jobFailed(jobId, model, error, duration));
        }
    }

    private LoggingEventBuilder begin(Level level, String action, String outcome, String jobId, String model) {
        LoggingEventBuilder b = fields.at(log, level);
        if (b == null) {
            return null;
        }
        return b.addKeyValue("event.dataset", DATASET)
                .addKeyValue("event.action", action)
                .addKeyValue("event.outcome", outcome)
                .addKeyValue("fabstir.job.id", jobId)
                .addKeyValue("fabstir.job.model", model);
    }
}
