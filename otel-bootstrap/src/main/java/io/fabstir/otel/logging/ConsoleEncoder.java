package io.fabstir.otel.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;

/**
 * Console encoder whose output is chosen by a property: {@code format=plain} (a human-readable pattern, the
 * default) or {@code format=json} (the same records as the file, from {@link FabstirJsonEncoder}).
 */
public class ConsoleEncoder extends EncoderBase<ILoggingEvent> {

    static final String DEFAULT_PATTERN =
            "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%kvp{NONE}%n";

    private String format = "plain";
    private String pattern = DEFAULT_PATTERN;
    private String serviceName;
    private String serviceVersion;
    private boolean redaction = true;
    private Encoder<ILoggingEvent> delegate;

    @Override
    public void start() {
        if ("json".equalsIgnoreCase(format.trim())) {
            FabstirJsonEncoder json = new FabstirJsonEncoder();
            json.setServiceName(serviceName);
            json.setServiceVersion(serviceVersion);
            json.setRedaction(redaction);
            delegate = json;
        } else {
            if (!"plain".equalsIgnoreCase(format.trim())) {
                addWarn("unknown console format '" + format + "', using plain");
            }
            PatternLayoutEncoder plain = new PatternLayoutEncoder();
            plain.setPattern(pattern);
            delegate = plain;
        }
        delegate.setContext(getContext());
        delegate.start();
        super.start();
    }

    @Override
    public void stop() {
        if (delegate != null) {
            delegate.stop();
        }
        super.stop();
    }

    @Override
    public byte[] headerBytes() {
        return delegate.headerBytes();
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        return delegate.encode(event);
    }

    @Override
    public byte[] footerBytes() {
        return delegate.footerBytes();
    }

    /** {@code plain} or {@code json}. */
    public void setFormat(String format) {
        this.format = format;
    }

    /** Pattern of the plain format. */
    public void setPattern(String pattern) {
        this.pattern = pattern;
    }

    public void setServiceName(String serviceName) {
        this.serviceName = serviceName;
    }

    public void setServiceVersion(String serviceVersion) {
        this.serviceVersion = serviceVersion;
    }

    public void setRedaction(boolean redaction) {
        this.redaction = redaction;
    }
}
