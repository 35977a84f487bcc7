package io.fabstir.otel.telemetry;

import io.fabstir.enrichers.redact.Redactor;
import io.sentry.Breadcrumb;
import io.sentry.Hint;
import io.sentry.SentryEvent;
import io.sentry.SentryOptions;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Applies the Fabstir redaction rules to everything a Sentry event or breadcrumb carries out of the process:
 * message, parameters, exception messages, tags, extras and breadcrumb data. Runs as the SDK's before-send hooks,
 * chained in front of any the application set.
 */
final class SentryRedaction implements SentryOptions.BeforeSendCallback, SentryOptions.BeforeBreadcrumbCallback {

  private final Redactor redactor;
  private final SentryOptions.BeforeSendCallback nextSend;
  private final SentryOptions.BeforeBreadcrumbCallback nextBreadcrumb;

  SentryRedaction(
      Redactor redactor,
      SentryOptions.BeforeSendCallback nextSend,
      SentryOptions.BeforeBreadcrumbCallback nextBreadcrumb) {
    this.redactor = redactor;
    this.nextSend = nextSend;
    this.nextBreadcrumb = nextBreadcrumb;
  }

  static void install(SentryOptions options, Redactor redactor) {
    if (options.getBeforeSend() instanceof SentryRedaction) {
      return;
    }
    SentryRedaction redaction = new SentryRedaction(redactor, options.getBeforeSend(), options.getBeforeBreadcrumb());
    options.setBeforeSend(redaction);
    options.setBeforeBreadcrumb(redaction);
  }

  @Override
  public SentryEvent execute(SentryEvent event, Hint hint) {
    Message message = event.getMessage();
    if (message != null) {
      message.setMessage(text(message.getMessage()));
      message.setFormatted(text(message.getFormatted()));
      if (message.getParams() != null) {
        List<String> params = new ArrayList<>(message.getParams().size());
        message.getParams().forEach(p -> params.add(text(p)));
        message.setParams(params);
      }
    }
    if (event.getExceptions() != null) {
      for (SentryException e : event.getExceptions()) {
        e.setValue(text(e.getValue()));
      }
    }
    Map<String, String> tags = event.getTags();
    if (tags != null) {
      tags.replaceAll((k, v) -> redactor.isSensitiveKey(k) ? Redactor.MASK : text(v));
    }
    Map<String, Object> extras = event.getExtras();
    if (extras != null) {
      extras.replaceAll((k, v) -> value(k, v));
    }
    if (event.getBreadcrumbs() != null) {
      event.getBreadcrumbs().forEach(this::redact);
    }
    return nextSend == null ? event : nextSend.execute(event, hint);
  }

  @Override
  public Breadcrumb execute(Breadcrumb breadcrumb, Hint hint) {
    redact(breadcrumb);
    return nextBreadcrumb == null ? breadcrumb : nextBreadcrumb.execute(breadcrumb, hint);
  }

  private void redact(Breadcrumb breadcrumb) {
    breadcrumb.setMessage(text(breadcrumb.getMessage()));
    breadcrumb.getData().replaceAll(this::value);
  }

  private Object value(String key, Object value) {
    if (redactor.isSensitiveKey(key)) {
      return Redactor.MASK;
    }
    return value instanceof String s ? text(s) : value;
  }

  private String text(String s) {
    return s == null ? null : redactor.redactText(s);
  }
}
