package io.fabstir.shipper.sink.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/security.md shows each least-privilege role exactly as the commands check it at start and the secured tests
 * use it; each grants on the log indices alone.
 */
class RolesDocumentedTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void docsShowEveryRoleAsItIs() throws Exception {
        String doc = Files.readString(Path.of("../../docs/security.md"));
        for (Roles r : Roles.values()) {
            assertThat(doc).as(r.roleName()).contains("**`" + r.roleName() + "`**").contains(r.json());
        }
    }

    @Test
    void eachRoleGrantsOnTheLogIndicesAlone() throws Exception {
        for (Roles r : Roles.values()) {
            JsonNode role = JSON.readTree(r.json());
            role.path("indices").forEach(i -> assertThat(i.path("names").toString()).as(r.roleName())
                    .isEqualTo("[\"fabstir-logs-*\"]"));
        }
        assertThat(Roles.INDEXER.indexPrivileges()).containsExactly("create_doc", "create_index", "auto_configure", "read");
        assertThat(Roles.INDEXER.clusterPrivileges()).isEmpty();
    }
}
