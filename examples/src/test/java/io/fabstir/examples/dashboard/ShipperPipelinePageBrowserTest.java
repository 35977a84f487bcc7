package io.fabstir.examples.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.shipper.metrics.MetricsEndpoint;
import io.fabstir.shipper.metrics.ShipperMetrics;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipper's metrics port serves a page of the pipeline's own state; headless Chromium reads what it shows. */
@Tag("integration")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ShipperPipelinePageBrowserTest {
    private static final String READ_PAGE = """
            (() => {
              const cards = {};
              document.querySelectorAll('[data-family]').forEach(c => cards[c.dataset.family] = c.querySelector('.value').textContent);
              const rows = {};
              document.querySelectorAll('[data-series]').forEach(r => rows[r.dataset.series] = r.children[1].textContent);
              return { polls: Number(document.body.dataset.polls || 0), cards: cards, rows: rows };
            })()""";

    @TempDir
    Path dir;

    @Test
    void thePageShowsTheShippersOwnSeriesAsMetricsHasThemAndFollowsThem() throws Exception {
        ShipperMetrics metrics = ShipperMetrics.get();
        metrics.linesRead(7);
        metrics.sent(5, 500);
        metrics.fileLag("/var/log/fabstir/node.json", 1234);
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(0);
             HeadlessChromium chromium = HeadlessChromium.open(
                     "http://127.0.0.1:" + endpoint.port() + "/?every=0.5", dir.resolve("chromium-profile"))) {
            String scrape = get("http://127.0.0.1:" + endpoint.port() + "/metrics");
            JsonNode page = await(chromium, p -> p.path("polls").asInt() >= 2);

            double lines = value(scrape, "fabstir_shipper_lines_read_total");
            assertThat(Double.parseDouble(page.path("cards").path("fabstir_shipper_lines_read_total").asText()))
                    .isEqualTo(lines).isGreaterThanOrEqualTo(7);
            assertThat(Double.parseDouble(page.path("cards").path("fabstir_shipper_records_sent_total").asText()))
                    .isEqualTo(value(scrape, "fabstir_shipper_records_sent_total"));
            assertThat(page.path("rows").path("fabstir_shipper_file_lag_bytes{file=\"/var/log/fabstir/node.json\"}")
                    .asText()).isEqualTo("1234");

            metrics.linesRead(3);
            JsonNode later = await(chromium, p -> Double.parseDouble(
                    p.path("cards").path("fabstir_shipper_lines_read_total").asText("0")) == lines + 3);
            assertThat(later.path("polls").asInt()).isGreaterThan(page.path("polls").asInt());
            chromium.screenshot(Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("shipper-pipeline.png"));
        }
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(m.find()).as(series + " in\n" + scrape).isTrue();
        return Double.parseDouble(m.group(1));
    }

    private static JsonNode await(HeadlessChromium chromium, java.util.function.Predicate<JsonNode> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        JsonNode p = null;
        while (System.nanoTime() < deadline) {
            p = chromium.evaluate("document.body ? " + READ_PAGE + " : ({polls: 0})");
            if (until.test(p)) {
                return p;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the page never got there: " + p);
    }

    private static String get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
