package io.fabstir.templates;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.cluster.ComponentTemplate;
import co.elastic.clients.elasticsearch.ilm.get_lifecycle.Lifecycle;
import co.elastic.clients.elasticsearch.indices.get_index_template.IndexTemplateItem;
import co.elastic.clients.json.JsonData;
import co.elastic.clients.transport.TransportException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Installs the Fabstir component templates, index templates and ILM policy, idempotently.
 *
 * <p>Each resource carries a {@code version} and a digest of its body in {@code _meta}. A resource is written only
 * when the cluster lacks it, holds a lower version, or holds the same version with a different body (a changed
 * shard/replica/retention setting). A higher version on the cluster is kept. Writing a template never touches
 * existing indices: they keep their mapping, and the next daily index picks up the new one, so running this on a
 * live cluster is safe.
 *
 * <pre>{@code
 * InstallReport report = TemplateInstaller.builder().client(client).replicas(0).build().install();
 * }</pre>
 */
public final class TemplateInstaller {
    private static final Logger log = LoggerFactory.getLogger(TemplateInstaller.class);

    private final ElasticsearchClient client;
    private final int shards;
    private final int replicas;
    private final Duration retention;
    private final boolean ilmWanted;
    private final String policyName;

    private TemplateInstaller(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client");
        this.shards = b.shards;
        this.replicas = b.replicas;
        this.retention = b.retention;
        this.ilmWanted = b.ilm;
        this.policyName = b.policyName;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Puts every resource that is missing or older on the cluster. Safe to call at every start. */
    public InstallReport install() throws IOException {
        return apply(true);
    }

    /**
     * What {@link #install()} would do, writing nothing: each resource's outcome is {@code CREATED} when it is
     * missing and {@code UPDATED} when the cluster's copy is older or different ({@code fabstir-shipper check}).
     */
    public InstallReport plan() throws IOException {
        return apply(false);
    }

    private InstallReport apply(boolean write) throws IOException {
        List<InstallReport.Outcome> outcomes = new ArrayList<>();
        boolean ilm = ilmWanted && clusterHasIlm();
        if (ilm) {
            outcomes.add(installPolicy(TemplateResources.policy(retention), write));
            outcomes.add(installComponent(TemplateResources.ILM_COMPONENT, TemplateResources.ilmComponent(policyName),
                    write));
        } else {
            outcomes.add(new InstallReport.Outcome("ilm_policy", policyName, InstallReport.Action.SKIPPED, null,
                    TemplateResources.version(TemplateResources.policy(retention))));
        }
        for (String name : TemplateResources.COMPONENTS) {
            outcomes.add(installComponent(name, TemplateResources.component(name, shards, replicas, policyName), write));
        }
        for (String name : TemplateResources.INDEX_TEMPLATES) {
            outcomes.add(installIndexTemplate(name, TemplateResources.indexTemplate(name, ilm), write));
        }
        InstallReport report = new InstallReport(outcomes, ilm);
        for (InstallReport.Outcome o : write ? outcomes : List.<InstallReport.Outcome>of()) {
            log.info("{} {}: {} (cluster version {}, bundled {})", o.kind(), o.name(), o.action(),
                    o.clusterVersion(), o.bundledVersion());
        }
        return report;
    }

    /** The integration-test distribution ships without the ILM module; its absence is a normal state, not an error. */
    boolean clusterHasIlm() throws IOException {
        try {
            client.ilm().getStatus();
            return true;
        } catch (ElasticsearchException e) {
            log.info("cluster has no ILM ({}); the lifecycle policy is skipped, use `retention` to delete old indices",
                    e.status());
            return false;
        } catch (TransportException e) {
            log.info("cluster has no ILM ({}); the lifecycle policy is skipped, use `retention` to delete old indices",
                    e.getMessage());
            return false;
        }
    }

    private InstallReport.Outcome installComponent(String name, ObjectNode body, boolean write) throws IOException {
        Long version = null;
        String digest = null;
        try {
            List<ComponentTemplate> found = client.cluster().getComponentTemplate(r -> r.name(name)).componentTemplates();
            if (!found.isEmpty()) {
                version = found.get(0).componentTemplate().version();
                digest = metaDigest(found.get(0).componentTemplate().meta());
            }
        } catch (ElasticsearchException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        InstallReport.Action action = decide(version, digest, body);
        if (write && (action == InstallReport.Action.CREATED || action == InstallReport.Action.UPDATED)) {
            String json = TemplateResources.toJson(body);
            client.cluster().putComponentTemplate(r -> r.name(name).withJson(new StringReader(json)));
        }
        return new InstallReport.Outcome("component_template", name, action, version, TemplateResources.version(body));
    }

    private InstallReport.Outcome installIndexTemplate(String name, ObjectNode body, boolean write) throws IOException {
        Long version = null;
        String digest = null;
        try {
            List<IndexTemplateItem> found = client.indices().getIndexTemplate(r -> r.name(name)).indexTemplates();
            if (!found.isEmpty()) {
                version = found.get(0).indexTemplate().version();
                digest = metaDigest(found.get(0).indexTemplate().meta());
            }
        } catch (ElasticsearchException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        InstallReport.Action action = decide(version, digest, body);
        if (write && (action == InstallReport.Action.CREATED || action == InstallReport.Action.UPDATED)) {
            String json = TemplateResources.toJson(body);
            client.indices().putIndexTemplate(r -> r.name(name).withJson(new StringReader(json)));
        }
        return new InstallReport.Outcome("index_template", name, action, version, TemplateResources.version(body));
    }

    private InstallReport.Outcome installPolicy(ObjectNode body, boolean write) throws IOException {
        Long version = null;
        String digest = null;
        try {
            Lifecycle found = client.ilm().getLifecycle(r -> r.name(policyName)).get(policyName);
            if (found != null && found.policy().meta() != null) {
                JsonData v = found.policy().meta().get("version");
                version = v == null ? null : v.to(Long.class);
                digest = metaDigest(found.policy().meta());
            }
        } catch (ElasticsearchException e) {
            if (e.status() != 404) {
                throw e;
            }
        }
        InstallReport.Action action = decide(version, digest, body);
        if (write && (action == InstallReport.Action.CREATED || action == InstallReport.Action.UPDATED)) {
            String json = TemplateResources.toJson(body);
            client.ilm().putLifecycle(r -> r.name(policyName).withJson(new StringReader(json)));
        }
        return new InstallReport.Outcome("ilm_policy", policyName, action, version, TemplateResources.version(body));
    }

    private static InstallReport.Action decide(Long clusterVersion, String clusterDigest, ObjectNode body) {
        long bundled = TemplateResources.version(body);
        if (clusterVersion == null && clusterDigest == null) {
            return InstallReport.Action.CREATED;
        }
        long have = clusterVersion == null ? 0 : clusterVersion;
        if (have > bundled) {
            log.warn("cluster holds version {} which is newer than this build's {}; leaving it", have, bundled);
            return InstallReport.Action.KEPT_NEWER;
        }
        if (have == bundled && Objects.equals(clusterDigest, TemplateResources.digestOf(body))) {
            return InstallReport.Action.UNCHANGED;
        }
        return InstallReport.Action.UPDATED;
    }

    private static String metaDigest(Map<String, JsonData> meta) {
        if (meta == null) {
            return null;
        }
        JsonData d = meta.get(TemplateResources.DIGEST);
        return d == null ? null : d.to(String.class);
    }

    public static final class Builder {
        private ElasticsearchClient client;
        private int shards = 1;
        private int replicas = 1;
        private Duration retention = Duration.ofDays(30);
        private boolean ilm = true;
        private String policyName = TemplateResources.POLICY;

        private Builder() {
        }

        public Builder client(ElasticsearchClient client) {
            this.client = client;
            return this;
        }

        /** Primary shards per daily index (default 1). */
        public Builder shards(int shards) {
            if (shards < 1) {
                throw new IllegalArgumentException("shards must be >= 1, was " + shards);
            }
            this.shards = shards;
            return this;
        }

        /** Replicas per daily index (default 1; use 0 on a single-node cluster). */
        public Builder replicas(int replicas) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas must be >= 0, was " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /** Age at which the ILM policy deletes an index (default 30 days). */
        public Builder retention(Duration retention) {
            if (retention.isNegative() || retention.isZero()) {
                throw new IllegalArgumentException("retention must be positive, was " + retention);
            }
            this.retention = retention;
            return this;
        }

        /** Whether to install the ILM policy where the cluster has ILM (default true). */
        public Builder ilm(boolean ilm) {
            this.ilm = ilm;
            return this;
        }

        public TemplateInstaller build() {
            return new TemplateInstaller(this);
        }
    }
}
