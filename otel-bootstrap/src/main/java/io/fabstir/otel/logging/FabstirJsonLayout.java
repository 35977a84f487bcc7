package io.fabstir.otel.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.LayoutBase;

import java.nio.charset.StandardCharsets;

/**
 * The Fabstir JSON record as a Logback {@code Layout}, for appenders that take a layout rather than an encoder
 * (the Loki4j appender's {@code <message>}). One line without the trailing newline.
 */
public class FabstirJsonLayout extends LayoutBase<ILoggingEvent> {

    private final FabstirJsonEncoder encoder = new FabstirJsonEncoder();

    @Override
    public void start() {
        encoder.setContext(getContext());
        encoder.start();
        super.start();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        byte[] line = encoder.encode(event);
        return new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
    }

    public void setServiceName(String serviceName) {
        encoder.setServiceName(serviceName);
    }

    public void setServiceVersion(String serviceVersion) {
        encoder.setServiceVersion(serviceVersion);
    }

    public void setRedaction(boolean redaction) {
        encoder.setRedaction(redaction);
    }

    public void addRedactKey(String names) {
        encoder.addRedactKey(names);
    }

    public void setRedactKeys(String names) {
        encoder.setRedactKeys(names);
    }

    public void addRedactPattern(String regex) {
        encoder.addRedactPattern(regex);
    }

    public void addStaticField(String spec) {
        encoder.addStaticField(spec);
    }
}
