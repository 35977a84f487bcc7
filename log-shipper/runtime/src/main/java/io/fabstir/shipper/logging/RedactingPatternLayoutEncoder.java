package io.fabstir.shipper.logging;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.pattern.PatternLayoutEncoderBase;

/**
 * Logback's pattern encoder whose every formatted event, message and stack trace together, goes through
 * {@link OwnLogRedaction}: the shipper's own lines are redacted where they are made, whether they go to the console
 * or to a file (the demo's log), and a secret in a client library's exception message is caught like one in the
 * shipper's own words. Used in the shipper's {@code logback.xml}:
 * {@code <encoder class="io.fabstir.shipper.logging.RedactingPatternLayoutEncoder">}.
 */
public class RedactingPatternLayoutEncoder extends PatternLayoutEncoderBase<ILoggingEvent> {

    @Override
    public void start() {
        PatternLayout layout = new RedactingLayout();
        layout.setContext(context);
        layout.setPattern(getPattern());
        layout.setOutputPatternAsHeader(outputPatternAsHeader);
        layout.start();
        this.layout = layout;
        super.start();
    }

    /** The whole event at once, so a PEM block or a URL spread over a message and its exception is judged whole. */
    static final class RedactingLayout extends PatternLayout {
        @Override
        public String doLayout(ILoggingEvent event) {
            return OwnLogRedaction.text(super.doLayout(event));
        }
    }
}
