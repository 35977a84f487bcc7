package io.fabstir.enrichers;

import io.fabstir.enrichers.format.FormatMapper;
import io.fabstir.enrichers.redact.Redactor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * The enrichers a record passes through, in this order: format mapping (when set: records of other loggers onto the
 * contract's fields, so that everything after sees contract names), timestamp normalisation, {@code event.id}
 * assignment, edge fields ({@code host.name}, {@code fabstir.node_id}, {@code deployment.environment}, static fields;
 * each only where the record has none), added and discovered enrichers, and last secret redaction, so that nothing an
 * enricher added escapes it.
 */
public final class EnricherChain implements Enricher {

    private final List<Enricher> enrichers;
    /** The edge fields and redactor when the chain holds only the built-in enrichers, else null. */
    private final Map<String, String> cleanFields;
    private final Redactor cleanRedactor;
    /** Format mapping runs first: only a line the mapper leaves alone (one with {@code log.level}) is clean. */
    private final boolean cleanNeedsLevel;

    private EnricherChain(List<Enricher> enrichers, Map<String, String> cleanFields, Redactor cleanRedactor,
                          boolean cleanNeedsLevel) {
        this.enrichers = List.copyOf(enrichers);
        this.cleanFields = cleanFields;
        this.cleanRedactor = cleanRedactor;
        this.cleanNeedsLevel = cleanNeedsLevel;
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void enrich(LogRecord record, RecordOrigin origin) {
        for (Enricher e : enrichers) {
            e.enrich(record, origin);
        }
    }

    /**
     * A shortcut for lines already in the record contract ({@link CleanLines}), one per reader thread; null when
     * the chain runs an added or discovered enricher, or a custom format, whose effect on a line only the full path
     * knows.
     */
    public CleanLines cleanLines() {
        return cleanFields == null ? null : new CleanLines(cleanFields, cleanRedactor, cleanNeedsLevel);
    }

    /** How many enrichers run (built-ins included). */
    public int size() {
        return enrichers.size();
    }

    public static final class Builder {
        private String hostName;
        private final Map<String, String> fields = new LinkedHashMap<>();
        private Redactor redactor = Redactor.defaults();
        private final List<Enricher> extra = new ArrayList<>();
        private boolean normaliseTimestamps = true;
        private FormatMapper formats;

        private Builder() {
        }

        /** {@code host.name}, also part of derived event ids. */
        public Builder hostName(String hostName) {
            this.hostName = hostName;
            if (hostName != null) {
                fields.put("host.name", hostName);
            }
            return this;
        }

        public Builder nodeId(String nodeId) {
            return staticField("fabstir.node_id", nodeId);
        }

        public Builder environment(String environment) {
            return staticField("deployment.environment", environment);
        }

        /** A field added to every record that has none under that name. Null values are ignored. */
        public Builder staticField(String name, String value) {
            Objects.requireNonNull(name, "name");
            if (value != null) {
                fields.put(name, value);
            }
            return this;
        }

        public Builder staticFields(Map<String, String> more) {
            more.forEach(this::staticField);
            return this;
        }

        /** The redaction rules; {@link Redactor#disabled()} turns redaction off. */
        public Builder redactor(Redactor redactor) {
            this.redactor = Objects.requireNonNull(redactor, "redactor");
            return this;
        }

        public Builder normaliseTimestamps(boolean on) {
            this.normaliseTimestamps = on;
            return this;
        }

        /**
         * Maps records of the common structured loggers onto the contract first, before timestamp normalisation
         * reads the {@code @timestamp} it moved there; null (the default) ships every record as written.
         */
        public Builder formats(FormatMapper formats) {
            this.formats = formats;
            return this;
        }

        /** An enricher run after the built-in field enrichers and before redaction. */
        public Builder add(Enricher enricher) {
            extra.add(Objects.requireNonNull(enricher, "enricher"));
            return this;
        }

        /**
         * Adds every {@link EnricherProvider} found by {@link ServiceLoader} in this class loader, each created with
         * its settings from {@code settingsByName} (missing → empty map).
         */
        public Builder discover(ClassLoader loader, Map<String, Map<String, String>> settingsByName) {
            for (EnricherProvider p : ServiceLoader.load(EnricherProvider.class, loader)) {
                Enricher e = p.create(settingsByName.getOrDefault(p.name(), Map.of()));
                if (e != null) {
                    extra.add(e);
                }
            }
            return this;
        }

        public EnricherChain build() {
            List<Enricher> list = new ArrayList<>();
            if (formats != null) {
                list.add(formats);
            }
            if (normaliseTimestamps) {
                list.add(new Timestamps());
            }
            list.add(new EventIds(hostName));
            if (!fields.isEmpty()) {
                list.add(new FieldDefaults(fields));
            }
            list.addAll(extra);
            if (redactor.isEnabled()) {
                list.add(new RedactionEnricher(redactor));
            }
            // CleanLines keeps one bit per field; order kept
            boolean builtInsOnly = extra.isEmpty() && fields.size() <= 64
                    && (formats == null || formats.leavesEcsAlone());
            boolean mapping = formats != null && formats.isEnabled();
            return new EnricherChain(list, builtInsOnly ? new LinkedHashMap<>(fields) : null, redactor, mapping);
        }
    }
}
