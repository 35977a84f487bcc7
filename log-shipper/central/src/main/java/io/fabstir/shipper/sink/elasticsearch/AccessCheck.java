package io.fabstir.shipper.sink.elasticsearch;

import co.elastic.clients.elasticsearch.ElasticsearchClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch.security.AuthenticateResponse;
import co.elastic.clients.elasticsearch.security.HasPrivilegesResponse;
import io.fabstir.shipper.config.ConfigException;
import io.fabstir.shipper.security.ElasticsearchAccess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Asks Elasticsearch, before a command does any work, whether it accepts the command's credential and grants what
 * the command needs ({@code _security/_authenticate}, {@code _security/user/_has_privileges}, which every user may
 * call for itself). A wrong, expired or revoked credential, a missing privilege or a certificate the CA file does
 * not vouch for stops the command at start with the setting to fix; nothing has been consumed, so nothing is lost.
 *
 * <pre>{@code
 * String who = AccessCheck.verify(es, access, List.of(), List.of(
 *         new AccessCheck.Need(List.of("fabstir-logs-*"), List.of("create_doc", "create_index", "read"))));
 * }</pre>
 */
public final class AccessCheck {
    private static final Logger log = LoggerFactory.getLogger(AccessCheck.class);

    /** Index privileges a command needs on some index names (wildcards allowed). */
    public record Need(List<String> indices, List<String> privileges) {
    }

    private AccessCheck() {
    }

    /**
     * @param cluster cluster privileges the command needs (e.g. {@code manage_index_templates})
     * @return who the cluster says the credential is; null when there is nothing to check (no credential, security
     *         off, or the cluster not reachable yet: the command's own retries cover that)
     * @throws ConfigException naming the credential's setting, {@code elasticsearch.ca_file} or {@code elasticsearch.hosts}
     */
    public static String verify(EsConnection es, ElasticsearchAccess access, List<String> cluster, List<Need> needs) {
        if (access.authorization() == null) {
            return null;
        }
        ElasticsearchClient client = es.client();
        String credential = access.authorization().startsWith("ApiKey") ? "API key" : "basic-auth credential";
        AuthenticateResponse who;
        try {
            who = client.security().authenticate();
        } catch (ElasticsearchException e) {
            if (e.status() == 401) {
                throw new ConfigException(access.credentialKey(), "Elasticsearch refused the " + credential + " (401: "
                        + reason(e) + "): it is wrong, expired or revoked; issue a new one (docs/security.md)");
            }
            log.warn("cannot check the {} ({}: {}); going on", credential, e.status(), reason(e));
            return null;
        } catch (IOException e) {
            return unreachable(access, e);
        }
        String name = who.apiKey() != null ? "API key " + who.apiKey().name() + " of " + who.username()
                : "user " + who.username();
        HasPrivilegesResponse has;
        try {
            has = hasPrivileges(client, cluster, needs);
        } catch (ElasticsearchException e) {
            log.warn("cannot check the privileges of {} ({}: {}); going on", name, e.status(), reason(e));
            return name;
        } catch (IOException e) {
            return unreachable(access, e);
        }
        if (!has.hasAllRequested()) {
            throw new ConfigException(access.credentialKey(), name + " lacks " + String.join(", ", missing(has))
                    + ": give its role these privileges, or use a credential whose role has them (docs/security.md)");
        }
        return name;
    }

    /** {@code _security/user/_has_privileges} for {@code cluster} and every {@code needs}. */
    static HasPrivilegesResponse hasPrivileges(ElasticsearchClient client, List<String> cluster, List<Need> needs)
            throws IOException {
        return client.security().hasPrivileges(r -> {
            if (!cluster.isEmpty()) {
                r.cluster(cluster);
            }
            for (Need n : needs) {
                r.index(i -> i.names(n.indices()).privileges(n.privileges()));
            }
            return r;
        });
    }

    /** The privileges the answer denies: {@code p (cluster)} or {@code p on index}. */
    static List<String> missing(HasPrivilegesResponse has) {
        List<String> missing = new ArrayList<>();
        has.cluster().forEach((p, ok) -> {
            if (!ok) {
                missing.add(p + " (cluster)");
            }
        });
        for (Map.Entry<String, Map<String, Boolean>> idx : has.index().entrySet()) {
            idx.getValue().forEach((p, ok) -> {
                if (!ok) {
                    missing.add(p + " on " + idx.getKey());
                }
            });
        }
        return missing;
    }

    /** A TLS failure is a setting to fix; a refused or timed-out connection is not (the command retries). */
    private static String unreachable(ElasticsearchAccess access, Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                throw new ConfigException(ElasticsearchAccess.CA_FILE, "the TLS handshake with " + access.hosts()
                        + " failed: " + root(t) + "; " + ElasticsearchAccess.CA_FILE + " ("
                        + (access.caFile() == null ? "not set: the JVM's CAs" : access.caFile())
                        + ") must hold the CA that signed the cluster's certificate");
            }
        }
        log.warn("Elasticsearch not reachable to check the credential ({}); going on", e.toString());
        return null;
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
