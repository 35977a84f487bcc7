package io.fabstir.enrichers;

import java.util.Map;

/**
 * Service-provider interface for enrichers of one's own: list the implementation in
 * {@code META-INF/services/io.fabstir.enrichers.EnricherProvider} and put the jar on the shipper's classpath.
 * The chain calls {@link #create} with the settings under {@code enrichers.<name>} of the shipper's configuration
 * (empty when there are none). A provider returning null is skipped (e.g. switched off by its settings).
 */
public interface EnricherProvider {

    /** Short name, the key of this enricher's settings. */
    String name();

    Enricher create(Map<String, String> settings);
}
