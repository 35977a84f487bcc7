package io.fabstir.otel.logging;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.slf4j.event.KeyValuePair;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Logback's {@link AsyncAppender} plus two things the include needs:
 * <ul>
 *   <li>the current span's ids are captured on the logging thread (as {@code trace.id}/{@code span.id} key/value
 *   pairs, which {@link FabstirJsonEncoder} reads), because the encoder runs on the worker thread where no span is
 *   current; not needed, and skipped, when the OpenTelemetry agent already put them into the MDC;</li>
 *   <li>events that are dropped (INFO and below when the queue is past {@code discardingThreshold}; any level
 *   when the queue is full and {@code neverBlock=true}) are counted, and a WARN record saying how many were
 *   lost is logged through the root logger as soon as there is room again, so loss is never silent. With
 *   {@code discardingThreshold=0} and {@code neverBlock=false} nothing is ever dropped: the logging thread
 *   waits for room instead.</li>
 * </ul>
 */
public class FabstirAsyncAppender extends AsyncAppender {

    private static final boolean OTEL_API = CurrentSpan.apiPresent();

    private final LongAdder discarded = new LongAdder();
    private String traceIdMdcKey = "trace_id";

    @Override
    protected void preprocess(ILoggingEvent event) {
        super.preprocess(event);
        if (OTEL_API && event instanceof LoggingEvent le) {
            Map<String, String> mdc = le.getMDCPropertyMap();
            if (mdc == null || !mdc.containsKey(traceIdMdcKey)) {
                String[] ids = CurrentSpan.ids(new String[2]);
                if (ids != null) {
                    List<KeyValuePair> kvps = le.getKeyValuePairs();
                    List<KeyValuePair> copy = new ArrayList<>(kvps == null ? 2 : kvps.size() + 2);
                    if (kvps != null) {
                        copy.addAll(kvps);
                    }
                    copy.add(new KeyValuePair("trace.id", ids[0]));
                    copy.add(new KeyValuePair("span.id", ids[1]));
                    le.setKeyValuePairs(copy);
                }
            }
        }
    }

    @Override
    protected boolean isDiscardable(ILoggingEvent event) {
        boolean discard = super.isDiscardable(event);
        if (discard) {
            discarded.increment();
        }
        return discard;
    }

    @Override
    protected void append(ILoggingEvent event) {
        if (isNeverBlock() && getRemainingCapacity() == 0) {
            discarded.increment(); // Logback would drop it silently in offer(); count it instead
            return;
        }
        super.append(event);
        if (discarded.sum() > 0 && isQueueBelowDiscardingThreshold() == false && getRemainingCapacity() > 0) {
            reportDiscards();
        }
    }

    /**
     * Logs the loss through the normal logger (so it reaches the file appender, which never drops); Logback's
     * per-appender re-entry guard keeps this appender from receiving its own report.
     */
    private void reportDiscards() {
        long lost = discarded.sumThenReset();
        if (lost > 0) {
            Logger logger = ((LoggerContext) getContext()).getLogger(FabstirAsyncAppender.class);
            logger.atWarn()
                    .addKeyValue("event.action", "log.discarded")
                    .addKeyValue("fabstir.log.discarded", lost)
                    .addKeyValue("fabstir.log.appender", getName())
                    .log("{} log events were discarded because the queue of appender {} was full", lost, getName());
        }
    }

    /** Discarded events not yet reported. */
    public long pendingDiscardCount() {
        return discarded.sum();
    }

    public void setTraceIdMdcKey(String traceIdMdcKey) {
        this.traceIdMdcKey = traceIdMdcKey;
    }
}
