package io.fabstir.otel.logging;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.slf4j.event.KeyValuePair;

import java.util.List;

/**
 * {@code %fabstirDataset}: the record's {@code event.dataset} (from key/value pairs, else MDC, else
 * {@code fabstir.app}). Registered by the include; used for the bounded Loki label {@code event_dataset}.
 */
public class DatasetConverter extends ClassicConverter {

    @Override
    public String convert(ILoggingEvent event) {
        List<KeyValuePair> kvps = event.getKeyValuePairs();
        if (kvps != null) {
            for (KeyValuePair kv : kvps) {
                if ("event.dataset".equals(kv.key) && kv.value != null) {
                    return kv.value.toString();
                }
            }
        }
        String fromMdc = event.getMDCPropertyMap() == null ? null : event.getMDCPropertyMap().get("event.dataset");
        return fromMdc != null ? fromMdc : "fabstir.app";
    }
}
