package io.fabstir.localservices;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.QuorumInfo;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;

import io.fabstir.localservices.tls.IssuedCertificate;

/**
 * The client side of a secured local Kafka ({@link LocalKafka#security()}, {@link KafkaCluster#security()}): where
 * to connect, ready-made client properties per user, and the admin operations tests need (users, ACLs, quotas).
 * Every change returns only once each broker has the metadata that carries it, so the next client sees it.
 */
public final class SecureKafka {
    private final String saslBootstrap;
    private final String mtlsBootstrap;
    private final KafkaSecurity security;
    private final Map<String, String> passwords = new ConcurrentHashMap<>();

    SecureKafka(String saslBootstrap, String mtlsBootstrap, KafkaSecurity security) {
        this.saslBootstrap = saslBootstrap;
        this.mtlsBootstrap = mtlsBootstrap;
        this.security = security;
        passwords.putAll(security.users());
    }

    /** The SASL_SSL (SCRAM-SHA-512) listener(s): {@code 127.0.0.1:port[,...]}. */
    public String bootstrapServers() {
        return saslBootstrap;
    }

    /** The mTLS listener(s) (TLS with a client certificate, principal {@code User:<CN>}). */
    public String mtlsBootstrapServers() {
        return mtlsBootstrap;
    }

    public KafkaSecurity settings() {
        return security;
    }

    /** The CA certificate (PEM) a client trusts: {@code ssl.truststore.type=PEM}, {@code ssl.truststore.location}. */
    public Path caPem() {
        return security.ca().certificatePem();
    }

    /** The same CA as a PKCS12 trust store (password {@link #truststorePassword()}). */
    public Path truststore() {
        return security.ca().truststore();
    }

    public String truststorePassword() {
        return security.ca().storePassword();
    }

    /** The current password of a user made at format time or by {@link #addUser}. */
    public String password(String user) {
        String pw = passwords.get(user);
        if (pw == null) throw new IllegalArgumentException("unknown user " + user + " (known: " + passwords.keySet() + ")");
        return pw;
    }

    /**
     * Client properties (producer, consumer or admin) for a known user over SASL_SSL with SCRAM-SHA-512, trusting
     * the CA's PEM file. A fresh mutable map: add serializers, group id and so on.
     */
    public Map<String, Object> clientProperties(String user) {
        return clientProperties(user, password(user));
    }

    /** As {@link #clientProperties(String)} with any password (e.g. a wrong one). */
    public Map<String, Object> clientProperties(String user, String password) {
        Map<String, Object> p = trustOnly(saslBootstrap);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        p.put(SaslConfigs.SASL_MECHANISM, KafkaSecurity.SCRAM_MECHANISM);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        return p;
    }

    /** Client properties over the mTLS listener with this certificate (PEM key store); principal {@code User:<CN>}. */
    public Map<String, Object> mtlsClientProperties(IssuedCertificate certificate) {
        Map<String, Object> p = trustOnly(mtlsBootstrap);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        p.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
        p.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, certificate.keyAndChainPem().toString());
        return p;
    }

    /** Client properties of the super user {@value KafkaSecurity#ADMIN_USER}. */
    public Map<String, Object> adminProperties() {
        Map<String, Object> p = clientProperties(KafkaSecurity.ADMIN_USER);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return p;
    }

    /** A new admin client as the super user; the caller closes it. */
    public Admin admin() {
        return Admin.create(adminProperties());
    }

    /** Creates or changes a SCRAM-SHA-512 user at run time (Admin {@code alterUserScramCredentials}). */
    public void addUser(String user, String password) {
        KafkaSecurity.checkName(user);
        KafkaSecurity.checkPassword(password);
        run("add user " + user, admin -> admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password))).all());
        passwords.put(user, password);
    }

    /** Deletes a user's SCRAM-SHA-512 credential: new connections as that user fail authentication. */
    public void removeUser(String user) {
        run("remove user " + user, admin -> admin.alterUserScramCredentials(List.of(
                new UserScramCredentialDeletion(user, ScramMechanism.SCRAM_SHA_512))).all());
        passwords.remove(user);
    }

    /**
     * Allows {@code User:<user>} the operations on the resource, from any host. For example WRITE on every topic whose
     * name starts with {@code fabstir.logs.node-a}:
     * {@code allow("node-a", new ResourcePattern(TOPIC, "fabstir.logs.node-a", PREFIXED), WRITE)}.
     */
    public void allow(String user, ResourcePattern resource, AclOperation... operations) {
        List<AclBinding> bindings = Arrays.stream(operations).map(op -> new AclBinding(resource,
                new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW))).toList();
        run("allow " + user + " " + Arrays.toString(operations) + " on " + resource,
                admin -> admin.createAcls(bindings).all());
    }

    /** Removes every ACL that names {@code User:<user>}. */
    public void removeAcls(String user) {
        AclBindingFilter filter = new AclBindingFilter(ResourcePatternFilter.ANY, new AccessControlEntryFilter(
                "User:" + user, null, AclOperation.ANY, AclPermissionType.ANY));
        run("remove ACLs of " + user, admin -> admin.deleteAcls(List.of(filter)).all());
    }

    /**
     * Sets client quotas of {@code User:<user>} (any client id), e.g. {@code producer_byte_rate},
     * {@code consumer_byte_rate}, {@code request_percentage}; a {@code null} value removes that quota.
     */
    public void setQuotas(String user, Map<String, Double> quotas) {
        ClientQuotaEntity entity = new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, user));
        List<ClientQuotaAlteration.Op> ops = quotas.entrySet().stream()
                .map(e -> new ClientQuotaAlteration.Op(e.getKey(), e.getValue())).toList();
        run("set quotas of " + user, admin -> admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, ops))).all());
    }

    /** The quotas set on {@code User:<user>} itself, as the brokers describe them. */
    public Map<String, Double> quotas(String user) {
        try (Admin admin = admin()) {
            var all = admin.describeClientQuotas(ClientQuotaFilter.containsOnly(List.of(
                    ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, user)))).entities().get(30, TimeUnit.SECONDS);
            return new HashMap<>(all.getOrDefault(new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, user)), Map.of()));
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe quotas of " + user + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Map<String, Object> trustOnly(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, caPem().toString());
        return p;
    }

    private interface AdminCall {
        org.apache.kafka.common.KafkaFuture<?> call(Admin admin);
    }

    private void run(String what, AdminCall call) {
        try (Admin admin = admin()) {
            call.call(admin).get(30, TimeUnit.SECONDS);
            awaitMetadataOnEveryNode(admin);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("cannot " + what + ": no answer in 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /*
     * A change is committed by the controller before the brokers have fetched it; a client connecting right after
     * could still be judged by the old metadata. The quorum description says how far each broker has fetched (the
     * leader itself reports no fetch time).
     */
    static void awaitMetadataOnEveryNode(Admin admin) throws InterruptedException, ExecutionException, TimeoutException {
        QuorumInfo q = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
        long target = q.highWatermark();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            // A killed or partitioned broker stays listed for a while; only those fetching now can be waited for.
            long recent = System.currentTimeMillis() - 3_000;
            boolean behind = java.util.stream.Stream.concat(q.observers().stream(), q.voters().stream())
                    .filter(r -> r.lastFetchTimestamp().orElse(Long.MAX_VALUE) > recent)
                    .anyMatch(r -> r.logEndOffset() < target);
            if (!behind) return;
            if (System.nanoTime() > deadline) throw new TimeoutException("brokers behind metadata offset " + target + ": " + q);
            Thread.sleep(20);
            q = admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS);
        }
    }
}
