package io.fabstir.shipper.sink.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.security.AuthenticateResponse;
import co.elastic.clients.elasticsearch.security.HasPrivilegesResponse;
import io.fabstir.shipper.check.CheckReport;
import io.fabstir.shipper.security.ElasticsearchAccess;
import io.fabstir.templates.InstallReport;
import io.fabstir.templates.TemplateInstaller;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Elasticsearch checks of {@code check}, with the client and credential a run uses: the cluster answers over
 * TLS the CA file vouches for; it accepts the credential ({@code _security/_authenticate}); the credential holds the
 * privileges the command needs ({@code _security/user/_has_privileges}); the templates are there and current
 * (read and compared, never written). Each adds one line; a later one is skipped when an earlier one failed.
 */
public final class ElasticsearchChecks {
    private final EsConnection es;
    private final ElasticsearchAccess access;
    private boolean connected;
    private boolean securityOn;
    private boolean authenticated;

    public ElasticsearchChecks(EsConnection es, ElasticsearchAccess access) {
        this.es = es;
        this.access = access;
    }

    /** {@code elasticsearch.connection} and {@code elasticsearch.authentication}. Returns whether both passed. */
    public boolean connect(CheckReport report) {
        AuthenticateResponse who;
        try {
            who = es.client().security().authenticate();
        } catch (ElasticsearchException e) {
            connected = true;
            if (e.status() == 401) {
                report.ok("elasticsearch.connection", access.hosts() + " answers" + trust());
                report.failed("elasticsearch.authentication", "Elasticsearch refused the " + credential() + " (401: "
                        + reason(e) + ")", access.credentialKey(), "the credential is wrong, expired or revoked: "
                        + "write a valid one into " + access.credentialKey() + " (docs/security.md)");
                return false;
            }
            if (reason(e).contains("security") && (e.status() == 400 || e.status() == 500)) {
                // The cluster runs without security: there is nothing to authenticate against.
                report.ok("elasticsearch.connection", access.hosts() + " answers" + trust());
                if (access.authorization() == null) {
                    report.warn("elasticsearch.authentication", "the cluster has security off; no credential is "
                            + "needed or checked", ElasticsearchAccess.HOSTS, "turn security on outside a test "
                            + "network (docs/security.md)");
                } else {
                    report.warn("elasticsearch.authentication", "the cluster has security off: the " + credential()
                            + " is sent but never checked", ElasticsearchAccess.HOSTS, "turn security on");
                }
                authenticated = true;
                return true;
            }
            report.ok("elasticsearch.connection", access.hosts() + " answers" + trust());
            report.failed("elasticsearch.authentication", e.status() + ": " + reason(e), access.credentialKey(), null);
            return false;
        } catch (IOException | RuntimeException e) {
            unreachable(report, e);
            return false;
        }
        connected = true;
        securityOn = true;
        authenticated = true;
        report.ok("elasticsearch.connection", access.hosts() + " answers" + trust());
        report.ok("elasticsearch.authentication", "accepted: " + (who.apiKey() != null
                ? "API key " + who.apiKey().name() + " of " + who.username() : "user " + who.username()));
        return true;
    }

    /** {@code elasticsearch.privileges}: the credential holds {@code cluster} and every {@code needs}. */
    public void privileges(CheckReport report, List<String> cluster, List<AccessCheck.Need> needs) {
        String name = "elasticsearch.privileges";
        if (!authenticated) {
            report.skipped(name, "Elasticsearch did not accept the connection or the credential");
            return;
        }
        if (!securityOn) {
            report.skipped(name, "the cluster has security off: every request is allowed");
            return;
        }
        report.run(name, () -> {
            HasPrivilegesResponse has = AccessCheck.hasPrivileges(es.client(), cluster, needs);
            List<String> asked = new ArrayList<>(cluster);
            needs.forEach(n -> asked.add(String.join("+", n.privileges()) + " on " + String.join(",", n.indices())));
            if (has.hasAllRequested()) {
                report.ok(name, "granted: " + String.join("; ", asked));
                return;
            }
            report.failed(name, "the " + credential() + " lacks " + String.join(", ", AccessCheck.missing(has)),
                    access.credentialKey(), "give its role these privileges, or use a credential whose role has them "
                            + "(docs/security.md)");
        });
    }

    /**
     * {@code elasticsearch.templates}: every template and the ILM policy are there and current. A missing or older
     * one fails unless this command installs them at start ({@code installAtStart}) with a credential allowed to.
     */
    public void templates(CheckReport report, TemplateInstaller installer, boolean installAtStart, String installKey) {
        String name = "elasticsearch.templates";
        if (!authenticated) {
            report.skipped(name, "Elasticsearch did not accept the connection or the credential");
            return;
        }
        report.run(name, () -> {
            InstallReport plan;
            try {
                plan = installer.plan();
            } catch (ElasticsearchException e) {
                report.failed(name, "cannot read the templates (" + e.status() + ": " + reason(e) + ")",
                        access.credentialKey(), "reading templates needs the cluster privilege monitor or "
                                + "manage_index_templates: grant one, or run `check templates install` with the "
                                + "templates' credential");
                return;
            }
            List<String> missing = new ArrayList<>();
            List<String> outdated = new ArrayList<>();
            int current = 0;
            for (InstallReport.Outcome o : plan.outcomes()) {
                switch (o.action()) {
                    case CREATED -> missing.add(o.name());
                    case UPDATED -> outdated.add(o.name() + (o.clusterVersion() != null
                            && o.clusterVersion() == o.bundledVersion() ? " (same version, other settings: shards, "
                            + "replicas or retention differ from this configuration's)" : " (cluster v"
                            + o.clusterVersion() + ", this build v" + o.bundledVersion() + ")"));
                    case UNCHANGED, KEPT_NEWER -> current++;
                    default -> { }
                }
            }
            String ilm = plan.ilmAvailable() ? "" : "; the cluster has no ILM: run `retention` daily";
            if (missing.isEmpty() && outdated.isEmpty()) {
                report.ok(name, current + " templates present and current" + ilm);
                return;
            }
            String what = (missing.isEmpty() ? "" : "missing: " + String.join(", ", missing))
                    + (missing.isEmpty() || outdated.isEmpty() ? "" : "; ")
                    + (outdated.isEmpty() ? "" : "not as this build and configuration would install them: "
                    + String.join(", ", outdated));
            if (installAtStart) {
                report.ok(name, what + "; " + installKey + " installs them" + ilm);
            } else {
                report.failed(name, what, installKey, "run `fabstir-shipper templates install` with a credential "
                        + "allowed manage_index_templates, or set " + installKey + ": true");
            }
        });
    }

    private void unreachable(CheckReport report, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                report.failed("elasticsearch.connection", "the TLS handshake with " + access.hosts() + " failed: "
                        + root(t), ElasticsearchAccess.CA_FILE, ElasticsearchAccess.CA_FILE + " ("
                        + (access.caFile() == null ? "not set: the JVM's CAs" : access.caFile()) + ") must hold the "
                        + "CA that signed the cluster's HTTPS certificate");
                report.skipped("elasticsearch.authentication", "no TLS connection");
                return;
            }
        }
        boolean refused = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            refused |= t instanceof ConnectException;
        }
        report.failed("elasticsearch.connection", "no answer from " + access.hosts() + ": " + root(e),
                ElasticsearchAccess.HOSTS, refused ? "check the URLs, and that the cluster runs and lets this host "
                        + "through" : "check the URLs (http:// or https:// as the cluster serves)");
        report.skipped("elasticsearch.authentication", "no connection");
    }

    private String trust() {
        boolean https = access.hosts().stream().anyMatch(h -> "https".equals(h.getScheme()));
        return https ? " over TLS, its certificate trusted (" + (access.caFile() == null ? "the JVM's CAs"
                : access.caFile()) + ")" : " over plain http";
    }

    private String credential() {
        return access.authorization() == null ? "anonymous request"
                : access.authorization().startsWith("ApiKey") ? "API key" : "basic-auth credential";
    }

    /** Whether the connection and the credential passed (later checks depend on them). */
    public boolean connected() {
        return connected && authenticated;
    }

    private static String reason(ElasticsearchException e) {
        return e.error() == null ? e.getMessage() : e.error().type() + ": " + e.error().reason();
    }

    private static String root(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null && r.getCause() != r) {
            r = r.getCause();
        }
        return r.getMessage() == null ? r.toString() : r.getMessage();
    }
}
