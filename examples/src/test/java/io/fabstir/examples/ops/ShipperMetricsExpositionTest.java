package io.fabstir.examples.ops;

import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.metrics.ShipperMetrics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** What the rules and dashboard query is what the shipper's real /metrics serves, and promtool accepts it. */
@Tag("integration")
class ShipperMetricsExpositionTest {
    @TempDir
    Path tmp;

    @Test
    void tailMetricsPassPromtoolCheckMetricsAndCarryTheAgreedNames() throws Exception {
        ShipperMetrics m = ShipperMetrics.get();
        m.linesRead(3);
        m.sent(2, 512);
        m.unparsed();
        m.error("send");
        m.fileLag("/var/log/fabstir/node.log", 128);
        String text;
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(0)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics"))
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            text = r.body();
        }
        Path file = Files.writeString(tmp.resolve("metrics.txt"), text);
        // promtool reads the exposition on stdin; a shell redirect keeps the helper free of stdin plumbing.
        OpsTools.Result check = OpsTools.run(tmp, "sh", "-c", "promtool check metrics < " + file
                + " || { echo 'promtool failed or missing: " + OpsTools.INSTALL_HINT + "'; exit 1; }");
        assertThat(check.exitCode()).as(check.output()).isZero();

        Set<String> families = new TreeSet<>();
        Matcher t = Pattern.compile("(?m)^# TYPE (fabstir_\\w+) (\\w+)").matcher(text);
        while (t.find()) {
            boolean counter = t.group(2).equals("counter") && !t.group(1).endsWith("_total");
            families.add(t.group(1) + (counter ? "_total" : ""));
        }
        assertThat(families).contains("fabstir_shipper_lines_read_total", "fabstir_shipper_records_sent_total",
                "fabstir_shipper_bytes_sent_total", "fabstir_shipper_unparsed_total", "fabstir_shipper_errors_total",
                "fabstir_shipper_file_lag_bytes");
        assertThat(families).isSubsetOf(ExportedSeries.names());
    }
}
