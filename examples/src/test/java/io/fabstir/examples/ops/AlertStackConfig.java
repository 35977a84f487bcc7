package io.fabstir.examples.ops;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the shipped Prometheus and Alertmanager configuration for a test run, by configuration only: the files
 * are loaded as YAML trees and changed in the places an operator's deployment changes them (targets, secret files,
 * API endpoints, where the business-hours window lies), plus one uniform time scale. Nothing of a rule's expression or a route's matchers
 * is touched.
 *
 * <p>The time scale: neither Prometheus 2.42 nor Alertmanager 0.25 has a setting that speeds up time, so every
 * duration of the rules ({@code for}, {@code keep_firing_for}, range selectors) and of the routes
 * ({@code group_wait}, {@code group_interval}, {@code repeat_interval}) is divided by {@link #TIME_SCALE}: a minute of
 * the shipped files is a second of the test. Scrape and evaluation run every second.
 */
final class AlertStackConfig {
    static final int TIME_SCALE = 60;
    static final String BUSINESS_HOURS = "business-hours";

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d|w|y)");
    private static final Pattern RANGE = Pattern.compile("\\[((?:\\d+(?:ms|[smhdwy]))+)(?::((?:\\d+(?:ms|[smhdwy]))+))?]");
    private static final Set<String> ROUTE_DURATIONS = Set.of("group_wait", "group_interval", "repeat_interval");

    private AlertStackConfig() {
    }

    static long millis(String duration) {
        Matcher m = DURATION.matcher(duration.strip());
        long total = 0;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                throw new IllegalArgumentException("not a duration: " + duration);
            }
            long n = Long.parseLong(m.group(1));
            total += n * switch (m.group(2)) {
                case "ms" -> 1L;
                case "s" -> 1_000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                case "d" -> 86_400_000L;
                case "w" -> 7 * 86_400_000L;
                default -> 365 * 86_400_000L;
            };
            end = m.end();
        }
        if (end != duration.strip().length()) {
            throw new IllegalArgumentException("not a duration: " + duration);
        }
        return total;
    }

    static String scaled(String duration) {
        return (millis(duration) / TIME_SCALE) + "ms";
    }

    /** The expression with each range (and subquery step) divided by the time scale. */
    static String scaledExpr(String expr) {
        Matcher m = RANGE.matcher(expr);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String range = scaled(m.group(1)) + (m.group(2) == null ? "" : ":" + scaled(m.group(2)));
            m.appendReplacement(out, Matcher.quoteReplacement("[" + range + "]"));
        }
        m.appendTail(out);
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    static Path rules(Path shipped, Path dir) throws IOException {
        Map<String, Object> tree = load(shipped);
        for (Object g : (List<Object>) tree.get("groups")) {
            for (Object r : (List<Object>) ((Map<String, Object>) g).get("rules")) {
                Map<String, Object> rule = (Map<String, Object>) r;
                for (String key : List.of("for", "keep_firing_for")) {
                    if (rule.containsKey(key)) {
                        rule.put(key, scaled(String.valueOf(rule.get(key))));
                    }
                }
                rule.put("expr", scaledExpr(String.valueOf(rule.get("expr"))));
            }
        }
        return write(tree, dir.resolve(shipped.getFileName()));
    }

    /** The shipped prometheus.yml: the node as the fabstir-node job, its rule files scaled, our Alertmanagers. */
    @SuppressWarnings("unchecked")
    static Path prometheus(Path shipped, Path dir, String nodeTarget, List<String> alertmanagers) throws IOException {
        Map<String, Object> tree = load(shipped);
        Map<String, Object> global = (Map<String, Object>) tree.computeIfAbsent("global", k -> new LinkedHashMap<>());
        global.put("scrape_interval", "1s");
        global.put("scrape_timeout", "900ms");
        global.put("evaluation_interval", "1s");
        Path rulesDir = Files.createDirectories(dir.resolve("rules"));
        List<String> ruleFiles = new ArrayList<>();
        for (Object pattern : (List<Object>) tree.get("rule_files")) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(shipped.getParent(), String.valueOf(pattern))) {
                for (Path f : files) {
                    ruleFiles.add(rules(f, rulesDir).toString());
                }
            }
        }
        tree.put("rule_files", ruleFiles);
        Map<String, Object> am = (Map<String, Object>) ((List<Object>) ((Map<String, Object>) tree.get("alerting"))
                .get("alertmanagers")).get(0);
        am.put("static_configs", List.of(Map.of("targets", alertmanagers)));
        List<Object> scrapes = new ArrayList<>();
        for (Object s : (List<Object>) tree.get("scrape_configs")) {
            Map<String, Object> scrape = (Map<String, Object>) s;
            if ("fabstir-node".equals(scrape.get("job_name"))) {
                scrape.put("static_configs", List.of(Map.of("targets", List.of(nodeTarget))));
                scrapes.add(scrape);
            }
        }
        if (scrapes.isEmpty()) {
            throw new IllegalStateException(shipped + " has no fabstir-node job, which FabstirNodeDown selects");
        }
        tree.put("scrape_configs", scrapes);
        return write(tree, dir.resolve("prometheus.yml"));
    }

    /**
     * The shipped alertmanager.yml with its secret files replaced by files holding the test channels' secrets (and the
     * alert bridge's token), the
     * API endpoints of PagerDuty, Telegram and SMTP pointed at {@code channels}, the Discord webhook receiver at the
     * alert bridge {@code discordBridge} (which posts to {@code channels}), the {@code business-hours} interval
     * replaced by {@code businessHours} (placed around the test's own now, see {@link BusinessHours}) and the route
     * durations scaled. {@code fileSecrets}: whether this Alertmanager reads Discord's
     * and Telegram's secrets from files (0.26+); 0.25 gets the test's values inline.
     */
    @SuppressWarnings("unchecked")
    static Path alertmanager(Path shipped, Path dir, ChannelReceivers channels, String discordBridge,
                             BusinessHours businessHours, boolean fileSecrets) throws IOException {
        Map<String, Object> tree = load(shipped);
        Files.createDirectories(dir);
        Map<String, Object> global = (Map<String, Object>) tree.get("global");
        global.put("smtp_smarthost", channels.smtpHostPort());
        global.put("smtp_require_tls", false);
        global.put("smtp_auth_password_file", secret(dir, "smtp_password", ChannelReceivers.SMTP_PASSWORD).toString());
        scaleRoute((Map<String, Object>) tree.get("route"));
        boolean placed = false;
        for (Object t : (List<Object>) tree.get("time_intervals")) {
            Map<String, Object> named = (Map<String, Object>) t;
            if (BUSINESS_HOURS.equals(named.get("name"))) {
                named.put("time_intervals", List.of(businessHours.toYaml()));
                placed = true;
            }
        }
        if (!placed) {
            throw new IllegalStateException(shipped + " has no time interval named " + BUSINESS_HOURS);
        }
        for (Object r : (List<Object>) tree.get("receivers")) {
            Map<String, Object> receiver = (Map<String, Object>) r;
            for (Map<String, Object> c : configs(receiver, "pagerduty_configs")) {
                c.put("routing_key_file", secret(dir, "pagerduty_routing_key", ChannelReceivers.PAGERDUTY_KEY).toString());
                c.put("url", channels.httpBase() + "/v2/enqueue");
            }
            for (Map<String, Object> c : configs(receiver, "webhook_configs")) {
                if (String.valueOf(c.get("url")).endsWith("/discord")) {
                    c.put("url", discordBridge + "/discord"); // fabstir-shipper alert-bridge, run by the test
                    Map<String, Object> authorization = (Map<String, Object>) ((Map<String, Object>)
                            c.get("http_config")).get("authorization");
                    authorization.put("credentials_file",
                            secret(dir, "alert_bridge_token", ChannelReceivers.BRIDGE_TOKEN).toString());
                }
            }
            for (Map<String, Object> c : configs(receiver, "discord_configs")) {
                c.remove("webhook_url_file");
                if (fileSecrets) {
                    c.put("webhook_url_file", secret(dir, "discord_webhook_url", channels.discordWebhookUrl()).toString());
                } else {
                    c.put("webhook_url", channels.discordWebhookUrl());
                }
            }
            for (Map<String, Object> c : configs(receiver, "telegram_configs")) {
                c.remove("bot_token_file");
                if (fileSecrets) {
                    c.put("bot_token_file", secret(dir, "telegram_bot_token", ChannelReceivers.TELEGRAM_TOKEN).toString());
                } else {
                    c.put("bot_token", ChannelReceivers.TELEGRAM_TOKEN);
                }
                c.put("api_url", channels.httpBase());
            }
        }
        return write(tree, dir.resolve("alertmanager.yml"));
    }

    @SuppressWarnings("unchecked")
    private static void scaleRoute(Map<String, Object> route) {
        for (String key : ROUTE_DURATIONS) {
            if (route.containsKey(key)) {
                route.put(key, scaled(String.valueOf(route.get(key))));
            }
        }
        for (Object child : (List<Object>) route.getOrDefault("routes", List.of())) {
            scaleRoute((Map<String, Object>) child);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> configs(Map<String, Object> receiver, String kind) {
        return (List<Map<String, Object>>) receiver.getOrDefault(kind, List.of());
    }

    private static Path secret(Path dir, String name, String value) throws IOException {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        return Files.writeString(secrets.resolve(name), value);
    }

    static Map<String, Object> load(Path file) throws IOException {
        return new Yaml().load(Files.readString(file));
    }

    private static Path write(Map<String, Object> tree, Path file) throws IOException {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setWidth(200);
        return Files.writeString(file, new Yaml(options).dump(tree));
    }
}
