package io.fabstir.otel.logging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * Reads the current OpenTelemetry span through the API. The encoder calls this class only after checking that the
 * API is on the classpath ({@link EventContext}), and no OpenTelemetry type appears in the encoder's own
 * signatures, so the encoder still loads and works in an application without OpenTelemetry.
 */
final class CurrentSpan {

    private CurrentSpan() {
    }

    static boolean apiPresent() {
        try {
            Class.forName("io.opentelemetry.api.trace.Span", false, CurrentSpan.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Trace id and span id of the current valid span, or null. The API caches both strings in the context. */
    static String[] ids(String[] into) {
        SpanContext ctx = Span.current().getSpanContext();
        if (!ctx.isValid()) {
            return null;
        }
        into[0] = ctx.getTraceId();
        into[1] = ctx.getSpanId();
        return into;
    }
}
