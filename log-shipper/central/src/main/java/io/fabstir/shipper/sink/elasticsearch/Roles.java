package io.fabstir.shipper.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The least-privilege Elasticsearch roles of the central commands, as role JSON ({@code PUT _security/role/<name>},
 * or an API key's {@code role_descriptors}). docs/security.md shows the same text, and the secured tests run each
 * command with exactly these.
 */
public enum Roles {
    /** {@code index}: create documents and the day's index, read back a taken id's content hash; nothing else. */
    INDEXER("fabstir-indexer"),
    /** {@code templates install} (and {@code index --install-templates true}): templates and the ILM policy. */
    TEMPLATES("fabstir-templates"),
    /** {@code retention}: list the daily indices and delete the expired ones. */
    RETENTION("fabstir-retention");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String roleName;

    Roles(String roleName) {
        this.roleName = roleName;
    }

    public String roleName() {
        return roleName;
    }

    /** The role's JSON. */
    public String json() {
        String resource = "/io/fabstir/shipper/security/roles/" + roleName + ".json";
        try (InputStream in = Roles.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The role's cluster privileges: what a command's start-up check asks the cluster for. */
    public List<String> clusterPrivileges() {
        return texts(parse().path("cluster"));
    }

    /** The role's index privileges (one entry: every role here grants on {@code fabstir-logs-*} alone). */
    public List<String> indexPrivileges() {
        return texts(parse().path("indices").path(0).path("privileges"));
    }

    private JsonNode parse() {
        try {
            return JSON.readTree(json());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    /** The role as an API key's {@code role_descriptors}: {@code {"<name>": <json>}}. */
    public String descriptors() {
        return "{\"" + roleName + "\":" + json() + "}";
    }
}
