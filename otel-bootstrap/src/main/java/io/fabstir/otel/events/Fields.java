package io.fabstir.otel.events;

import org.slf4j.Logger;
import org.slf4j.event.Level;
import org.slf4j.spi.LoggingEventBuilder;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** Fields bound to a logger (context) plus the shared emit path of every event family. */
final class Fields {

    static final Fields NONE = new Fields(List.of());

    private final List<Map.Entry<String, Object>> entries;

    private Fields(List<Map.Entry<String, Object>> entries) {
        this.entries = entries;
    }

    Fields with(String key, Object value) {
        List<Map.Entry<String, Object>> copy = new ArrayList<>(entries.size() + 1);
        copy.addAll(entries);
        copy.add(new java.util.AbstractMap.SimpleImmutableEntry<>(key, value));
        return new Fields(Collections.unmodifiableList(copy));
    }

    /** A builder at `level` carrying the bound fields; null when the level is off (nothing is built then). */
    LoggingEventBuilder at(Logger log, Level level) {
        if (!log.isEnabledForLevel(level)) {
            return null;
        }
        LoggingEventBuilder b = log.atLevel(level);
        for (Map.Entry<String, Object> e : entries) {
            b.addKeyValue(e.getKey(), e.getValue());
        }
        return b;
    }

    static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException | LinkageError e) {
            // a broken listener must never break the job it observes
        }
    }
}
