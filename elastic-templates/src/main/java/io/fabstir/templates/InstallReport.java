package io.fabstir.templates;

import java.util.List;

/**
 * What {@link TemplateInstaller#install()} did to each resource.
 *
 * @param outcomes      one entry per component template, index template and ILM policy
 * @param ilmAvailable  whether the cluster has index lifecycle management (the policy is skipped where it does not)
 */
public record InstallReport(List<Outcome> outcomes, boolean ilmAvailable) {

    public InstallReport {
        outcomes = List.copyOf(outcomes);
    }

    /** True when nothing was written to the cluster. */
    public boolean unchanged() {
        return outcomes.stream().noneMatch(o -> o.action() == Action.CREATED || o.action() == Action.UPDATED);
    }

    /** What happened to one resource. */
    public enum Action {
        CREATED, UPDATED, UNCHANGED,
        /** The cluster holds a higher version, from a newer installer; left alone rather than downgraded. */
        KEPT_NEWER,
        /** The cluster has no ILM. */
        SKIPPED
    }

    /**
     * @param kind             {@code component_template}, {@code index_template} or {@code ilm_policy}
     * @param name             resource name on the cluster
     * @param action           what the installer did
     * @param clusterVersion   version found on the cluster before, or null
     * @param bundledVersion   version shipped in this build
     */
    public record Outcome(String kind, String name, Action action, Long clusterVersion, long bundledVersion) {
    }
}
