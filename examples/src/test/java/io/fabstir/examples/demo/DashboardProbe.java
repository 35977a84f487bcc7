package io.fabstir.examples.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the dashboard URL the demo prints and fetches its snapshot while the demo is still running. */
final class DashboardProbe {
    private static final Pattern URL = Pattern.compile("dashboard: (http://127\\.0\\.0\\.1:\\d+/dashboard/)");

    private DashboardProbe() {
    }

    /** The first 200 answer of {@code <url>snapshot}, or null if the demo ended before one came. */
    static String snapshotWhileRunning(Path output, Process demo) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        while (demo.isAlive()) {
            try {
                Matcher m = URL.matcher(Files.exists(output) ? Files.readString(output) : "");
                if (m.find()) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "snapshot"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return r.body();
                    }
                }
                Thread.sleep(500);
            } catch (IOException e) {
                // the node is not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
    }
}
