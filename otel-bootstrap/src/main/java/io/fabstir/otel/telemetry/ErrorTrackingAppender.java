package io.fabstir.otel.telemetry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import java.util.Locale;

/**
 * A Logback appender that feeds {@link ErrorTracker}: every ERROR event carrying a throwable counts in
 * {@code fabstir_errors_total{type,severity="error"}} and marks the current span. It writes nothing itself; attach it
 * next to the real appenders (the Fabstir include does). Events logged before {@link FabstirTelemetry#install()}
 * in library mode are not counted, rather than pinning OpenTelemetry to a no-op.
 */
public final class ErrorTrackingAppender extends AppenderBase<ILoggingEvent> {

  @Override
  protected void append(ILoggingEvent event) {
    if (!event.getLevel().isGreaterOrEqual(Level.ERROR)) {
      return;
    }
    IThrowableProxy proxy = event.getThrowableProxy();
    if (!(proxy instanceof ThrowableProxy throwable)) {
      return;
    }
    FabstirTelemetry.ifInstalled()
        .ifPresent(t -> t.errors().record(throwable.getThrowable(), event.getLevel().toString().toLowerCase(Locale.ROOT)));
  }
}
