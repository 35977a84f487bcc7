package io.fabstir.otel.logging;

import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * What places a record among others: {@code trace.id}/{@code span.id} of the span it was logged in, and its markers
 * as ECS {@code tags}.
 */
final class EventContext {

    private static final boolean OTEL_API = CurrentSpan.apiPresent();
    private static final byte[] TRACE_ID = bytes(",\"trace.id\":");
    private static final byte[] SPAN_ID = bytes(",\"span.id\":");
    private static final byte[] TAGS = bytes(",\"tags\":[");

    private final String traceIdMdcKey;
    private final String spanIdMdcKey;

    EventContext(String traceIdMdcKey, String spanIdMdcKey) {
        this.traceIdMdcKey = traceIdMdcKey;
        this.spanIdMdcKey = spanIdMdcKey;
    }

    /** Current span (synchronous appenders); else ids captured on the logging thread; else the agent's MDC keys. */
    void writeTraceContext(JsonBuffer out, Scratch s, List<KeyValuePair> kvps, Map<String, String> mdc) {
        String traceId = null;
        String spanId = null;
        if (OTEL_API && CurrentSpan.ids(s.spanIds) != null) {
            traceId = s.spanIds[0];
            spanId = s.spanIds[1];
        }
        if (traceId == null && kvps != null) {
            for (int i = 0, n = kvps.size(); i < n; i++) {
                KeyValuePair kv = kvps.get(i);
                if ("trace.id".equals(kv.key) && kv.value != null) {
                    traceId = kv.value.toString();
                } else if ("span.id".equals(kv.key) && kv.value != null) {
                    spanId = kv.value.toString();
                }
            }
        }
        if (traceId == null && mdc != null && !mdc.isEmpty()) {
            traceId = mdc.get(traceIdMdcKey);
            spanId = mdc.get(spanIdMdcKey);
        }
        if (traceId != null) {
            out.raw(TRACE_ID);
            s.trace.write(out, traceId);
            if (spanId != null) {
                out.raw(SPAN_ID);
                s.span.write(out, spanId);
            }
        }
    }

    /** Markers and the markers they reference, as {@code "tags":[...]}. */
    static void writeTags(JsonBuffer out, List<Marker> markers) {
        out.raw(TAGS);
        boolean first = true;
        for (Marker m : markers) {
            if (!first) {
                out.raw((byte) ',');
            }
            first = false;
            out.quoted(m.getName(), -1);
            if (m.hasReferences()) {
                for (Iterator<Marker> it = m.iterator(); it.hasNext(); ) {
                    out.raw((byte) ',');
                    out.quoted(it.next().getName(), -1);
                }
            }
        }
        out.raw((byte) ']');
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
