package io.fabstir.enrichers;

import java.util.LinkedHashMap;
import java.util.Map;

/** Edge fields (host, node id, environment, static fields): added when the record has no value of its own. */
final class FieldDefaults implements Enricher {

    private final Map<String, String> fields;

    FieldDefaults(Map<String, String> fields) {
        this.fields = new LinkedHashMap<>(fields);
    }

    @Override
    public void enrich(LogRecord record, RecordOrigin origin) {
        for (Map.Entry<String, String> e : fields.entrySet()) {
            record.putIfAbsent(e.getKey(), e.getValue());
        }
    }
}
