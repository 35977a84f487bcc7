package io.fabstir.shipper.cli;

import io.fabstir.localservices.SecureElasticsearch;
import io.fabstir.localservices.SharedServices;
import io.fabstir.shipper.sink.elasticsearch.Roles;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code templates install} and {@code retention} on a secured Elasticsearch, each with its own documented role
 * ({@link Roles}): they work with it, and the indexer's key may do neither (stopped at start, the privilege named).
 */
@Tag("integration")
class SecuredAdminCommandsTest {
    private static final String RUN = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    @TempDir
    static Path dir;
    private static SecureElasticsearch es;

    @BeforeAll
    static void services() {
        es = SharedServices.secureElasticsearch().security();
    }

    @Test
    void templatesInstallWithTheTemplatesRoleAndNotWithTheIndexersKey() throws Exception {
        assertThat(run("templates", "install", Roles.TEMPLATES, "--replicas", "0").code).isZero();
        Result refused = run("templates", "install", Roles.INDEXER, "--replicas", "0");
        assertThat(refused.code).isEqualTo(2);
        assertThat(refused.err).contains("elasticsearch.api_key_file").contains("manage_index_templates");
    }

    @Test
    void indexCannotInstallTemplatesWithTheIndexersKey() throws Exception {
        Result refused = run("index", null, Roles.INDEXER, "--bootstrap-servers", "127.0.0.1:1",
                "--install-templates", "true");
        assertThat(refused.code).isEqualTo(2);
        assertThat(refused.err).contains("manage_index_templates");
    }

    @Test
    void retentionDeletesExpiredDaysWithTheRetentionRoleAndNotWithTheIndexersKey() throws Exception {
        String old = "fabstir-logs-secadm" + RUN + "-2020.01.01";
        assertThat(es.request("PUT", "/" + old, "{\"settings\":{\"number_of_replicas\":0}}").status()).isEqualTo(200);
        String pattern = "fabstir-logs-secadm" + RUN + "-{yyyy.MM.dd}";
        Result refused = run("retention", null, Roles.INDEXER, "--index-pattern", pattern, "--keep", "30d");
        assertThat(refused.code).isEqualTo(2);
        assertThat(refused.err).contains("delete_index");
        Result swept = run("retention", null, Roles.RETENTION, "--index-pattern", pattern, "--keep", "30d");
        assertThat(swept.code).as(swept.err).isZero();
        assertThat(swept.out).contains("deleted " + old);
        assertThat(es.request("HEAD", "/" + old, null).status()).isEqualTo(404);
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String command, String sub, Roles role, String... more) throws Exception {
        SecureElasticsearch.ApiKey key = es.createApiKey(role.roleName() + "-" + System.nanoTime(), role.descriptors());
        Path file = Files.writeString(dir.resolve("key-" + key.id()), key.encoded());
        List<String> args = new ArrayList<>(List.of(command));
        if (sub != null) {
            args.add(sub);
        }
        args.addAll(List.of("--es-hosts", es.url(), "--es-ca-file", es.caPem().toString(),
                "--es-api-key-file", file.toString()));
        args.addAll(List.of(more));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = io.fabstir.shipper.cli.FabstirShipper.commandLine().setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true));
        int code = cl.execute(args.toArray(String[]::new));
        return new Result(code, out.toString(), err.toString());
    }
}
