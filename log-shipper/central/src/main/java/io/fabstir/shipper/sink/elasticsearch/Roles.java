package io.fabstir.shipper.sink.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

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

    /** The role as an API key's {@code role_descriptors}: {@code {"<name>": <json>}}. */
    public String descriptors() {
        return "{\"" + roleName + "\":" + json() + "}";
    }
}
