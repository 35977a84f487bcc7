package io.fabstir.otel.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.Locale;
import org.slf4j.event.KeyValuePair;

/**
 * A Logback appender that feeds {@link ErrorTracker}: every ERROR event carrying a throwable counts in
 * {@code fabstir_errors_total{type,severity}} and marks the current span. The severity is the event's
 * {@code severity} key-value pair when the caller gives one
 * ({@code log.atError().addKeyValue("severity", "critical").setCause(e).log(..)}), else {@code error}. It writes nothing itself; the
 * Fabstir include attaches it to the root logger next to the real appenders. Events logged before
 * {@link FabstirTelemetry#install()} in library mode are not counted, rather than pinning OpenTelemetry to a no-op.
 * Without the OpenTelemetry API on the classpath it stays idle, so the include works in apps that have none.
 */
public final class ErrorTrackingAppender extends AppenderBase<ILoggingEvent> {

  private boolean openTelemetryPresent;

  @Override
  public void start() {
    try {
      Class.forName("io.opentelemetry.api.OpenTelemetry", false, ErrorTrackingAppender.class.getClassLoader());
      openTelemetryPresent = true;
    } catch (ClassNotFoundException e) {
      addInfo("OpenTelemetry API not on the classpath: fabstir_errors_total is not counted");
    }
    super.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (!openTelemetryPresent || !event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      return;
    }
    IThrowableProxy proxy = event.getThrowableProxy();
    if (proxy instanceof ThrowableProxy throwable) {
      Counting.record(throwable.getThrowable(), severity(event));
    }
  }

  static String severity(ILoggingEvent event) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair kv : pairs) {
        if ("severity".equals(kv.key) && kv.value != null && !String.valueOf(kv.value).isBlank()) {
          return String.valueOf(kv.value).strip().toLowerCase(Locale.ROOT);
        }
      }
    }
    return event.getLevel().toString().toLowerCase(Locale.ROOT);
  }

  /** Kept apart so that loading the appender never loads an OpenTelemetry class. */
  private static final class Counting {
    static void record(Throwable error, String severity) {
      FabstirTelemetry.ifInstalled().ifPresent(t -> t.errors().record(error, severity));
    }
  }
}
