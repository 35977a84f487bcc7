package io.fabstir.examples.ops;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * examples/prometheus/prometheus.yml as the monitoring guide sets it: a {@code cluster} external label, retention by
 * time and size as flags (in the README and in the shipped unit), a commented {@code remote_write} that forwards the
 * {@code fabstir_*} series only; promtool accepts the file as shipped and with the remote_write uncommented.
 */
@Tag("integration") // runs promtool and systemd-analyze as child processes
class PrometheusConfigTest {
    private static final Path CONFIG = OpsTools.artefact("prometheus/prometheus.yml");
    private static final Path UNIT = OpsTools.artefact("prometheus/prometheus.service");
    private static final List<String> RETENTION = List.of("--storage.tsdb.retention.time=30d",
            "--storage.tsdb.retention.size=100GB");

    @Test
    void promtoolAcceptsTheShippedConfig(@TempDir Path dir) throws IOException {
        Path config = checkable(dir, Files.readString(CONFIG, StandardCharsets.UTF_8));
        OpsTools.Result r = OpsTools.run(dir, "promtool", "check", "config", config.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    /**
     * The config in {@code dir} beside the rule files, its secret files ({@code /etc/prometheus/secrets/…}, which
     * promtool requires to exist) pointed at files made here.
     */
    private static Path checkable(Path dir, String text) throws IOException {
        Matcher m = Pattern.compile("((?:credentials|password)_file): (/etc/prometheus/\\S+)").matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Path secret = dir.resolve(Path.of(m.group(2)).getFileName());
            Files.writeString(secret, "test-secret\n");
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + ": " + secret));
        }
        m.appendTail(out);
        try (var rules = Files.newDirectoryStream(CONFIG.getParent(), "fabstir-*alerts.yml")) {
            for (Path f : rules) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, out);
        return config;
    }

    @Test
    @SuppressWarnings("unchecked")
    void everySeriesLeavingCarriesTheClusterLabel() throws IOException {
        Map<String, Object> global = (Map<String, Object>) AlertStackConfig.load(CONFIG).get("global");
        assertThat((Map<String, Object>) global.get("external_labels")).containsKey("cluster");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theCommentedRemoteWriteIsValidAndKeepsOnlyFabstirSeries(@TempDir Path dir) throws IOException {
        String shipped = Files.readString(CONFIG, StandardCharsets.UTF_8);
        int at = shipped.indexOf("# remote_write:");
        assertThat(at).as("a commented remote_write block").isPositive();
        StringBuilder uncommented = new StringBuilder(shipped.substring(0, at));
        for (String line : shipped.substring(at).split("\n", -1)) {
            uncommented.append(line.startsWith("# ") ? line.substring(2) : line).append('\n');
        }
        Path config = checkable(dir, uncommented.toString());
        OpsTools.Result r = OpsTools.run(dir, "promtool", "check", "config", config.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();

        List<Object> writes = (List<Object>) AlertStackConfig.load(config).get("remote_write");
        assertThat(writes).hasSize(1);
        List<Object> relabel = (List<Object>) ((Map<String, Object>) writes.get(0)).get("write_relabel_configs");
        assertThat(relabel).containsExactly(Map.of("source_labels", List.of("__name__"), "regex", "fabstir_.*",
                "action", "keep"));
    }

    @Test
    void retentionIsThirtyDaysOrOneHundredGigabytesInTheReadmeAndTheUnit() throws IOException {
        String unit = Files.readString(UNIT, StandardCharsets.UTF_8);
        String readme = Files.readString(OpsTools.moduleDir().getParent().resolve("README.md"), StandardCharsets.UTF_8);
        for (String flag : RETENTION) {
            assertThat(unit).contains(flag);
            assertThat(readme).contains(flag);
        }
        // Offline checks of the unit: sections, directives, that ExecStart's binary exists (Debian's prometheus).
        OpsTools.Result r = OpsTools.run(UNIT.getParent(), "systemd-analyze", "verify", UNIT.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).isBlank();
    }
}
