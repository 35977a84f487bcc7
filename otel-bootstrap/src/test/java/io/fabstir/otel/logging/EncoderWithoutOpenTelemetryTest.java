package io.fabstir.otel.logging;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncoderWithoutOpenTelemetryTest {

    private static URLClassLoader withoutOpenTelemetry() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("opentelemetry")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        return new URLClassLoader(urls.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
    }

    @Test
    void includeWorksWhenTheOpenTelemetryApiIsNotOnTheClasspath(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        try (URLClassLoader isolated = withoutOpenTelemetry()) {
            String problems = (String) isolated.loadClass(WithoutOpenTelemetryProbe.class.getName())
                    .getMethod("logThroughTheInclude", String.class).invoke(null, dir.toString());
            assertThat(problems).isEmpty();
            String line = java.nio.file.Files.readString(dir.resolve("fabstir.json"));
            JsonNode r = CapturedLog.JSON.readTree(line);
            assertThat(r.get("message").asText()).isEqualTo("failed without otel");
            assertThat(r.get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
        }
    }

    @Test
    void encoderWorksWhenTheOpenTelemetryApiIsNotOnTheClasspath() throws Exception {
        try (URLClassLoader isolated = withoutOpenTelemetry()) {
            assertThatThrownBy(() -> Class.forName("io.opentelemetry.api.trace.Span", false, isolated))
                    .isInstanceOf(ClassNotFoundException.class);
            String line = (String) isolated.loadClass(WithoutOpenTelemetryProbe.class.getName())
                    .getMethod("encodeOne").invoke(null);
            JsonNode r = CapturedLog.JSON.readTree(line);
            assertThat(r.get("message").asText()).isEqualTo("no otel here");
            assertThat(r.get("trace.id").asText()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        }
    }
}
