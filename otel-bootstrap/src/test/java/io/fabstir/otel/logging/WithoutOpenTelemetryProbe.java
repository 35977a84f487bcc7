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

    /** Configures the Fabstir include, logs an ERROR with an exception; returns the WARN+ statuses, one per line. */
    public static String logThroughTheInclude(String dir) throws Exception {
        System.setProperty("fabstir.log.dir", dir);
        try {
            LoggerContext context = new LoggerContext();
            context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
            ch.qos.logback.classic.joran.JoranConfigurator configurator = new ch.qos.logback.classic.joran.JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(WithoutOpenTelemetryProbe.class.getResource("/fabstir-include-test.xml"));
            context.getLogger("probe").error("failed without otel", new IllegalStateException("boom"));
            context.stop();
            StringBuilder problems = new StringBuilder();
            for (ch.qos.logback.core.status.Status s : context.getStatusManager().getCopyOfStatusList()) {
                if (s.getLevel() >= ch.qos.logback.core.status.Status.WARN) {
                    problems.append(s.getMessage()).append(' ').append(s.getThrowable()).append('\n');
                }
            }
            return problems.toString();
        } finally {
            System.clearProperty("fabstir.log.dir");
        }
    }
}
