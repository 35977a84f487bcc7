package io.fabstir.localservices;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("integration")
class ElasticsearchRestartTest {

    @Test
    void aStoppedNodeStartsAgainOnTheSamePortWithItsData(@TempDir Path dir) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (LocalElasticsearch es = LocalElasticsearch.start(dir.resolve("es"))) {
            String url = es.url();
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(URI.create(url + "/kept/_doc/1?refresh=true"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"message\":\"still here\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).isEqualTo(201);

            es.stop();
            es.start();

            assertThat(es.url()).isEqualTo(url);
            HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create(url + "/kept/_doc/1")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.body()).contains("still here");
        }
    }
}
