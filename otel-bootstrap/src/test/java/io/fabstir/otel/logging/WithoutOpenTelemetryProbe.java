package io.fabstir.otel.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;

import java.nio.charset.StandardCharsets;

/** Loaded by {@link EncoderWithoutOpenTelemetryTest} in a class loader that has no OpenTelemetry API. */
public final class WithoutOpenTelemetryProbe {

    private WithoutOpenTelemetryProbe() {
    }

    public static String encodeOne() {
        LoggerContext context = new LoggerContext();
        FabstirJsonEncoder encoder = new FabstirJsonEncoder();
        encoder.setContext(context);
        encoder.start();
        LoggingEvent event = new LoggingEvent("x", context.getLogger("probe"), Level.INFO, "no otel {}",
                null, new Object[] {"here"});
        event.setMDCPropertyMap(java.util.Map.of("trace_id", "0af7651916cd43dd8448eb211c80319c"));
        return new String(encoder.encode(event), StandardCharsets.UTF_8);
    }
}
