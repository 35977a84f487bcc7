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

    @Test
    void encoderWorksWhenTheOpenTelemetryApiIsNotOnTheClasspath() throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!entry.contains("opentelemetry")) {
                urls.add(new File(entry).toURI().toURL());
            }
        }
        try (URLClassLoader isolated = new URLClassLoader(urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader())) {
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
