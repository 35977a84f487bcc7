package io.fabstir.examples.ops;

import org.junit.jupiter.api.Tag;
import org.opentest4j.AssertionFailedError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** examples/alertmanager: routes by severity, secrets from files, checked by amtool. */
@Tag("integration") // runs promtool/amtool as child processes
class AlertmanagerConfigTest {
    private static final Path CONFIG = OpsTools.artefact("alertmanager/alertmanager.yml");

    @TempDir
    Path tmp;

    @Test
    void amtoolAcceptsTheConfig() throws Exception {
        OpsTools.Result r = OpsTools.run(tmp, "amtool", "check-config", checkable().toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS").contains("4 receivers");
    }

    @Test
    void aMissingToolFailsWithTheInstallHintInsteadOfSkipping() {
        assertThatThrownBy(() -> OpsTools.run(tmp, "amtool-not-installed-here", "--version"))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageContaining("apt-get install prometheus prometheus-alertmanager");
    }

    @Test
    void eachSeedAlertReachesTheReceiverOfItsChannels() throws Exception {
        assertThat(receivers("FabstirNodeDown", "critical")).isEqualTo("page-chat-email");
        assertThat(receivers("FabstirHighErrorRate", "high")).isEqualTo("chat-email");
        assertThat(receivers("FabstirNoGpuAvailable", "high")).isEqualTo("chat");
        assertThat(receivers("FabstirDiskSpaceLow", "medium")).isEqualTo("chat");
        assertThat(receivers("FabstirHighGasPrice", "medium")).isEqualTo("chat");
        assertThat(receivers("FabstirReputationDrop", "low")).isEqualTo("chat");
        assertThat(receivers("FabstirSomethingCritical", "critical")).as("other critical alerts page too")
                .isEqualTo("page-chat-email");
        assertThat(receivers("FabstirShipperNotShipping", "high")).isEqualTo("oncall-telegram");
    }

    @Test
    void secretsAreReadFromFilesNeverInline() throws Exception {
        String config = Files.readString(CONFIG);
        assertThat(config).contains("smtp_auth_password_file:", "routing_key_file:", "bot_token_file:");
        assertThat(config).doesNotContainPattern("(?m)^\\s*(smtp_auth_password|routing_key|service_key|webhook_url|"
                + "bot_token|api_url):");
        assertThat(config).as("Discord only through the alert bridge, which holds the webhook URL")
                .doesNotContain("discord_configs", "discord.com").contains("http://fabstir-alert-bridge:9467/discord");
        assertThat(config).as("the bridge's token from a file")
                .contains("credentials_file: /etc/alertmanager/secrets/alert_bridge_token");
        assertThat(config.split("http_config: \\*discord_bridge_auth", -1).length)
                .as("every other receiver that posts to the bridge sends it too")
                .isEqualTo(config.split("url: \\*discord_bridge\\s", -1).length);
    }

    @Test
    void cooldownAndFlappingSuppressionAreConfigured() throws Exception {
        String config = Files.readString(CONFIG);
        assertThat(config).contains("group_by:", "group_wait:", "group_interval:", "repeat_interval:");
        assertThat(config).contains("inhibit_rules:", "mute_time_intervals: [ business-hours ]");
    }

    /** The alert test's placed window (here a Sunday's) is configuration the real Alertmanager loads. */
    @Test
    void aPlacedBusinessHoursWindowIsAcceptedByAmtool() throws Exception {
        Path config;
        try (ChannelReceivers channels = new ChannelReceivers()) {
            config = AlertStackConfig.alertmanager(CONFIG, tmp.resolve("placed"), channels, "http://127.0.0.1:9",
                    BusinessHours.placedFor(Instant.parse("2026-12-06T01:00:00Z"), true), false);
        }
        assertThat(Files.readString(config)).contains("location: Etc/GMT-11", "sunday");
        OpsTools.Result r = OpsTools.run(tmp, "amtool", "check-config", config.toString());
        assertThat(r.exitCode()).as(r.output()).isZero();
    }

    private String receivers(String alertname, String severity) throws Exception {
        OpsTools.Result r = OpsTools.run(tmp, "amtool", "config", "routes", "test",
                "--config.file=" + checkable(), "severity=" + severity, "alertname=" + alertname, "instance=n1:9464");
        assertThat(r.exitCode()).as(r.output()).isZero();
        String[] lines = r.output().strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /**
     * Telegram's bot_token_file needs Alertmanager 0.26+. Debian bookworm ships amtool 0.25, which lacks it: for it
     * (only) a copy with an inline placeholder for that key is checked, so everything else is still validated by the
     * real tool.
     */
    static Path checkable(Path tmp) throws Exception {
        OpsTools.Result v = OpsTools.run(tmp, "amtool", "--version");
        Matcher m = Pattern.compile("version (\\d+)\\.(\\d+)").matcher(v.output());
        assertThat(m.find()).as(v.output()).isTrue();
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        if (major > 0 || minor >= 26) {
            return CONFIG;
        }
        String config = Files.readString(CONFIG)
                .replaceAll("bot_token_file: .*", "bot_token: \"placeholder\"");
        return Files.writeString(tmp.resolve("alertmanager-0.25.yml"), config);
    }

    private Path checkable() throws Exception {
        return checkable(tmp);
    }
}
