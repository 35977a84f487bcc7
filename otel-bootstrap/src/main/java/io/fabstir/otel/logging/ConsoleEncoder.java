package io.fabstir.otel.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.EncoderBase;
import io.fabstir.enrichers.redact.Redactor;

import java.nio.charset.StandardCharsets;

/**
 * Console encoder whose output is chosen by a property: {@code format=plain} (a human-readable pattern, the
 * default; secrets masked with the same rules) or {@code format=json} (the same records as the file, from
 * {@link FabstirJsonEncoder}).
 */
public class ConsoleEncoder extends EncoderBase<ILoggingEvent> {

    static final String DEFAULT_PATTERN =
            "%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg %kvp{NONE}%n";

    private String format = "plain";
    private String pattern = DEFAULT_PATTERN;
    private String serviceName;
    private String serviceVersion;
    private final RedactionSettings redaction = new RedactionSettings();
    private Encoder<ILoggingEvent> delegate;
    private boolean plain;
    private Redactor redactor = Redactor.defaults();

    @Override
    public void start() {
        if ("json".equalsIgnoreCase(format.trim())) {
            FabstirJsonEncoder json = new FabstirJsonEncoder();
            json.setServiceName(serviceName);
            json.setServiceVersion(serviceVersion);
            json.redaction(redaction);
            delegate = json;
        } else {
            if (!"plain".equalsIgnoreCase(format.trim())) {
                addWarn("unknown console format '" + format + "', using plain");
            }
            PatternLayoutEncoder patternEncoder = new PatternLayoutEncoder();
            patternEncoder.setPattern(pattern);
            delegate = patternEncoder;
            plain = true;
            redactor = redaction.build(this);
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
        byte[] line = delegate.encode(event);
        if (!plain || !redactor.isEnabled()) {
            return line;
        }
        // the human-readable console is not the hot path: redact the finished line like any free text
        String text = new String(line, StandardCharsets.UTF_8);
        String redacted = redactor.redactText(text);
        return redacted == text ? line : redacted.getBytes(StandardCharsets.UTF_8);
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
        this.redaction.enabled(redaction);
    }

    /** As the JSON encoder's {@code <redactKey>}/{@code <redactKeys>}: extra sensitive names, comma-separated. */
    public void addRedactKey(String names) {
        redaction.addKeys(names);
    }

    public void setRedactKeys(String names) {
        redaction.addKeys(names);
    }

    /** As the JSON encoder's {@code <redactPattern>}. */
    public void addRedactPattern(String regex) {
        redaction.addPattern(regex);
    }
}
