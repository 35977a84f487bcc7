package io.fabstir.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import io.fabstir.enrichers.redact.Redactor;
import io.sentry.Breadcrumb;
import io.sentry.Hint;
import io.sentry.SentryEvent;
import io.sentry.SentryOptions;
import io.sentry.protocol.Message;
import io.sentry.protocol.SentryException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentryRedactionTest {

  @Test
  void secretsAreMaskedInEverythingAnEventCarries() {
    SentryOptions options = new SentryOptions();
    SentryRedaction.install(options, Redactor.defaults());

    SentryEvent event = new SentryEvent();
    Message message = new Message();
    message.setFormatted("connect failed password=hunter2 for node");
    message.setParams(List.of("Bearer abcdefghijklmnopqrstuvwxyz012345"));
    event.setMessage(message);
    SentryException exception = new SentryException();
    exception.setValue("bad key api_key=sk_live_1234567890abcdef");
    event.setExceptions(List.of(exception));
    event.setTag("api_key", "plain-value");
    event.setTag("job", "j-1");
    event.setExtra("password", "hunter2");
    Breadcrumb crumb = new Breadcrumb("token=abc123secretvalue");
    crumb.setData("apiKey", "zzz");

    SentryEvent sent = options.getBeforeSend().execute(event, new Hint());
    Breadcrumb kept = options.getBeforeBreadcrumb().execute(crumb, new Hint());

    assertThat(sent.getMessage().getFormatted()).doesNotContain("hunter2").contains(Redactor.MASK);
    assertThat(sent.getMessage().getParams().get(0)).doesNotContain("abcdefghijklmnopqrstuvwxyz012345");
    assertThat(sent.getExceptions().get(0).getValue()).doesNotContain("sk_live_1234567890abcdef");
    assertThat(sent.getTags()).containsEntry("api_key", Redactor.MASK).containsEntry("job", "j-1");
    assertThat(sent.getExtras()).containsEntry("password", Redactor.MASK);
    assertThat(kept.getData("apiKey")).isEqualTo(Redactor.MASK);
  }

  @Test
  void appenderStaysOffWithoutADsn() {
    RedactingSentryAppender appender = new RedactingSentryAppender();
    appender.setContext(new LoggerContext());
    appender.start();
    assertThat(appender.isStarted()).isFalse();
  }
}
