package io.fabstir.otel.events;

import java.time.Duration;
import java.util.Map;

/**
 * Told about every event after it was logged, on the caller's thread; the hook for spans and metrics (the
 * OpenTelemetry side registers one with {@link FabstirEvents#addListener}). Keep implementations quick and
 * never throw: exceptions are caught and dropped so telemetry can never break the application.
 */
public interface FabstirEventListener {

    default void jobStarted(String jobId, String model) {
    }

    default void jobCompleted(String jobId, String model, long tokensUsed, Duration duration) {
    }

    default void jobFailed(String jobId, String model, Throwable error, Duration duration) {
    }

    default void audit(String action, String userId, boolean success, Map<String, ?> details) {
    }

    default void operation(String operation, Duration duration, boolean success, Map<String, String> labels) {
    }

    /** After {@link #operation}, for an operation slower than its threshold (the one logged at WARN). */
    default void slowOperation(String operation, Duration duration, boolean success, Map<String, String> labels) {
    }
}
