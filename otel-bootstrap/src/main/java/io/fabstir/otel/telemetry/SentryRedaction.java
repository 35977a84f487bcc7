package io.fabstir.otel.telemetry;

import io.fabstir.enrichers.redact.Redactor;
import io.sentry.Breadcrumb;
import io.sentry.Hint;
import io.sentry.SentryBaseEvent;
import io.sentry.SentryEvent;
import io.sentry.SentryLogEvent;
import io.sentry.SentryLogEventAttributeValue;
import io.sentry.SentryOptions;
import io.sentry.protocol.Contexts;
import io.sentry.protocol.Message;
import io.sentry.protocol.Request;
import io.sentry.protocol.SentryException;
import io.sentry.protocol.SentrySpan;
import io.sentry.protocol.SentryThread;
import io.sentry.protocol.SentryTransaction;
import io.sentry.protocol.User;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies the Fabstir redaction rules to everything a Sentry event, transaction, breadcrumb or log carries out of
 * the process: message and parameters, exception values, thread names, tags, extras, contexts (the logged line's
 * MDC arrives as the {@code MDC} context), request (URL, query, headers, cookies, body), user, breadcrumbs, spans'
 * tags and data, and Sentry logs' bodies and attributes. A value under a sensitive name is masked whole; other
 * strings go through the text rules, inside maps and lists too. Runs as the SDK's before-send hooks, chained in
 * front of any the application set.
 */
final class SentryRedaction
    implements SentryOptions.BeforeSendCallback, SentryOptions.BeforeBreadcrumbCallback,
        SentryOptions.BeforeSendTransactionCallback {

  private final Redactor redactor;
  private final SentryOptions.BeforeSendCallback nextSend;
  private final SentryOptions.BeforeBreadcrumbCallback nextBreadcrumb;
  private final SentryOptions.BeforeSendTransactionCallback nextTransaction;

  private SentryRedaction(Redactor redactor, SentryOptions options) {
    this.redactor = redactor;
    this.nextSend = options.getBeforeSend();
    this.nextBreadcrumb = options.getBeforeBreadcrumb();
    this.nextTransaction = options.getBeforeSendTransaction();
  }

  static void install(SentryOptions options, Redactor redactor) {
    if (options.getBeforeSend() instanceof SentryRedaction) {
      return;
    }
    SentryRedaction redaction = new SentryRedaction(redactor, options);
    options.setBeforeSend(redaction);
    options.setBeforeBreadcrumb(redaction);
    options.setBeforeSendTransaction(redaction);
    try {
      Logs.install(options, redaction);
    } catch (LinkageError e) {
      // a Sentry SDK older than its Logs feature (8.12): it sends no logs to redact
    }
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
        if (e.getMechanism() != null) {
          e.getMechanism().setDescription(text(e.getMechanism().getDescription()));
          if (e.getMechanism().getData() != null) {
            e.getMechanism().setData(map(e.getMechanism().getData()));
          }
        }
      }
    }
    if (event.getThreads() != null) {
      for (SentryThread t : event.getThreads()) {
        t.setName(text(t.getName()));
      }
    }
    event.setTransaction(text(event.getTransaction()));
    if (event.getFingerprints() != null) {
      event.setFingerprints(strings(event.getFingerprints()));
    }
    base(event);
    return nextSend == null ? event : nextSend.execute(event, hint);
  }

  @Override
  public SentryTransaction execute(SentryTransaction transaction, Hint hint) {
    for (SentrySpan span : transaction.getSpans()) {
      if (span.getData() != null) {
        span.setData(map(span.getData()));
      }
      redactStrings(span.getTags());
    }
    base(transaction);
    return nextTransaction == null ? transaction : nextTransaction.execute(transaction, hint);
  }

  @Override
  public Breadcrumb execute(Breadcrumb breadcrumb, Hint hint) {
    redact(breadcrumb);
    return nextBreadcrumb == null ? breadcrumb : nextBreadcrumb.execute(breadcrumb, hint);
  }

  /** Sentry logs (off unless {@code options.getLogs().setEnabled(true)}): body and attributes. */
  private static final class Logs implements SentryOptions.Logs.BeforeSendLogCallback {
    private final SentryRedaction redaction;
    private final SentryOptions.Logs.BeforeSendLogCallback next;

    private Logs(SentryRedaction redaction, SentryOptions.Logs.BeforeSendLogCallback next) {
      this.redaction = redaction;
      this.next = next;
    }

    static void install(SentryOptions options, SentryRedaction redaction) {
      options.getLogs().setBeforeSend(new Logs(redaction, options.getLogs().getBeforeSend()));
    }

    @Override
    public SentryLogEvent execute(SentryLogEvent log) {
      log.setBody(redaction.text(log.getBody()));
      Map<String, SentryLogEventAttributeValue> attributes = log.getAttributes();
      if (attributes != null) {
        Map<String, SentryLogEventAttributeValue> out = new LinkedHashMap<>();
        attributes.forEach((k, a) -> {
          Object v = a == null ? null : a.getValue();
          Object red = redaction.value(k, v);
          out.put(k, red == v ? a : new SentryLogEventAttributeValue(a.getType(), red));
        });
        log.setAttributes(out);
      }
      return next == null ? log : next.execute(log);
    }
  }

  /** What every kind of event carries: tags, extras, contexts, request, user, breadcrumbs. */
  private void base(SentryBaseEvent event) {
    Map<String, String> tags = event.getTags();
    if (tags != null) {
      tags.replaceAll((k, v) -> redactor.isSensitiveKey(k) ? Redactor.MASK : value(k, v));
    }
    Map<String, Object> extras = event.getExtras();
    if (extras != null) {
      extras.replaceAll(this::value);
    }
    Contexts contexts = event.getContexts();
    for (String key : Collections.list(contexts.keys())) {
      Object v = contexts.get(key);
      Object red = redactor.isSensitiveKey(key) ? Redactor.MASK
          : v instanceof Map<?, ?> || v instanceof Collection<?> || v instanceof String ? value(key, v) : v;
      if (red != v) {
        contexts.put(key, red);
      }
    }
    Request request = event.getRequest();
    if (request != null) {
      request.setUrl(text(request.getUrl()));
      request.setQueryString(text(request.getQueryString()));
      request.setFragment(text(request.getFragment()));
      if (request.getCookies() != null) {
        request.setCookies(Redactor.MASK); // cookies are sessions
      }
      request.setData(value("data", request.getData()));
      request.setHeaders(strings(request.getHeaders()));
      request.setEnvs(strings(request.getEnvs()));
      request.setOthers(strings(request.getOthers()));
    }
    User user = event.getUser();
    if (user != null) {
      user.setEmail(text(user.getEmail()));
      user.setUsername(text(user.getUsername()));
      user.setName(text(user.getName()));
      user.setId(text(user.getId()));
      user.setData(strings(user.getData()));
    }
    if (event.getBreadcrumbs() != null) {
      event.getBreadcrumbs().forEach(this::redact);
    }
  }

  private void redact(Breadcrumb breadcrumb) {
    breadcrumb.setMessage(text(breadcrumb.getMessage()));
    breadcrumb.getData().replaceAll(this::value);
  }

  /** A value under {@code key}: masked whole under a sensitive name, else its strings through the rules. */
  @SuppressWarnings("unchecked")
  private <T> T value(String key, T value) {
    if (value == null) {
      return null;
    }
    if (key != null && redactor.isSensitiveKey(key)) {
      return (T) Redactor.MASK;
    }
    if (value instanceof String s) {
      return (T) (key == null ? redactor.redactText(s) : redactor.redactValue(key, s));
    }
    if (value instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, v) -> out.put(k, value(String.valueOf(k), v)));
      return (T) out;
    }
    if (value instanceof Collection<?> c) {
      List<Object> out = new ArrayList<>(c.size());
      c.forEach(v -> out.add(value(key, v)));
      return (T) out;
    }
    return value;
  }

  private Map<String, Object> map(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, value(k, v)));
    return out;
  }

  private Map<String, String> strings(Map<String, String> m) {
    if (m == null) {
      return null;
    }
    Map<String, String> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, value(k, v)));
    return out;
  }

  private void redactStrings(Map<String, String> m) {
    if (m != null) {
      m.replaceAll(this::value);
    }
  }

  private List<String> strings(List<String> list) {
    List<String> out = new ArrayList<>(list.size());
    list.forEach(s -> out.add(text(s)));
    return out;
  }

  private String text(String s) {
    return s == null ? null : redactor.redactText(s);
  }
}
