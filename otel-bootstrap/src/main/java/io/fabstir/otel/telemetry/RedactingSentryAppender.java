package io.fabstir.otel.telemetry;

import io.fabstir.otel.logging.RedactionSettings;
import io.sentry.SentryOptions;
import io.sentry.logback.SentryAppender;

/**
 * Sentry's Logback appender with the Fabstir secret redaction applied before anything is sent, and off (not
 * started, no error) when no DSN is configured: neither {@code <options><dsn>}, nor {@code SENTRY_DSN}, nor
 * {@code -Dsentry.dsn}. Needs {@code io.sentry:sentry-logback} on the application's classpath.
 *
 * <pre>{@code
 * <appender name="SENTRY" class="io.fabstir.otel.telemetry.RedactingSentryAppender">
 *   <options><dsn>${SENTRY_DSN:-}</dsn></options>
 *   <minimumEventLevel>ERROR</minimumEventLevel>
 * </appender>
 * }</pre>
 */
public class RedactingSentryAppender extends SentryAppender {

  private SentryOptions options;
  private final RedactionSettings redaction = new RedactionSettings();

  public RedactingSentryAppender() {
    setOptions(new SentryOptions()); // keeps a handle on the options when the config gives none
  }

  @Override
  public void setOptions(SentryOptions options) {
    super.setOptions(options);
    this.options = options;
  }

  /** Redaction on (default) or off, like the encoder's {@code <redaction>}. */
  public void setRedaction(boolean redaction) {
    this.redaction.enabled(redaction);
  }

  /** Extra sensitive names, comma-separated, like the encoder's {@code <redactKeys>}. */
  public void setRedactKeys(String names) {
    redaction.addKeys(names);
  }

  /** An extra regex, like the encoder's {@code <redactPattern>}. */
  public void addRedactPattern(String regex) {
    redaction.addPattern(regex);
  }

  @Override
  public void start() {
    if (!dsnConfigured()) {
      addInfo("Sentry off: no DSN configured");
      return;
    }
    SentryRedaction.install(options, redaction.build(this));
    super.start();
  }

  boolean dsnConfigured() {
    return !blank(options.getDsn()) || !blank(System.getenv("SENTRY_DSN")) || !blank(System.getProperty("sentry.dsn"));
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
