package io.fabstir.otel.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import io.fabstir.enrichers.redact.Redactor;
import io.fabstir.enrichers.redact.SecretCorpus;
import io.sentry.Breadcrumb;
import io.sentry.Sentry;
import io.sentry.SentryOptions;
import io.sentry.protocol.Request;
import io.sentry.protocol.User;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/**
 * The Sentry exit: the Logback appender of the include sends, through the real Sentry SDK, one event per corpus
 * secret to an ingest endpoint that speaks Sentry's envelope protocol. The secret rides in the message and its
 * parameters, the exception chain, the MDC, tags, extras, a context, the user, the request and breadcrumbs; no
 * byte of it may reach the envelopes, and the look-alikes (a context of their own) arrive unchanged.
 */
class SentryEnvelopeCorpusTest {

  @Test
  void noCorpusSecretLeavesInAnEnvelopeAndLookAlikesSurvive() throws Exception {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(MDC.getMDCAdapter()); // the MDC the test fills
    try (FakeSentryIngest ingest = new FakeSentryIngest()) {
      RedactingSentryAppender appender = new RedactingSentryAppender();
      appender.setContext(context);
      SentryOptions options = new SentryOptions();
      options.setDsn(ingest.dsn());
      options.setEnableUncaughtExceptionHandler(false);
      options.setEnableShutdownHook(false);
      appender.setOptions(options);
      appender.setMinimumEventLevel(Level.ERROR);
      appender.setMinimumBreadcrumbLevel(Level.INFO);
      appender.start();
      Logger log = context.getLogger("fabstir.sentry.corpus");
      log.addAppender(appender);
      try {
        Map<String, Object> lookAlikes = new LinkedHashMap<>();
        SecretCorpus.lookAlikes().forEach(l -> lookAlikes.put(l.name(), l.value()));
        List<SecretCorpus.Secret> secrets = SecretCorpus.secrets();
        for (int i = 0; i < secrets.size(); i++) {
          SecretCorpus.Secret s = secrets.get(i);
          String text = SecretCorpus.inMessage(s, i);
          String name = s.name() == null ? "target" : s.name();
          // a value found only by the name it is stored under rides under that name; one with a shape of its own
          // rides under a neutral name too
          MDC.put("channel", s.name() == null ? s.value() : text);
          MDC.put(name, s.value());
          Sentry.configureScope(scope -> {
            scope.setTag("channel", text.length() > 190 ? s.value() : text);
            scope.setExtra("receiver", text);
            scope.setContexts("alerting", SecretCorpus.nestedMap(s));
            scope.setContexts("look_alikes", lookAlikes);
            User user = new User();
            user.setId("node-7");
            user.setData(Map.of(name, s.value(), "note", text));
            scope.setUser(user);
            Request request = new Request();
            request.setUrl("https://node-7.example.org/jobs?" + (s.name() == null ? "u=" + s.value() : name + "=" + s.value()));
            request.setHeaders(Map.of("Authorization", "Bearer " + s.value(), "X-Note", text));
            request.setCookies("session=" + s.value());
            scope.setRequest(request);
          });
          Breadcrumb crumb = new Breadcrumb(text);
          crumb.setData(name, s.value());
          Sentry.addBreadcrumb(crumb);
          log.info("configuring {}", text); // a breadcrumb through the appender
          log.error("alert channel {} failed: {}", s.family(), text,
              new IllegalStateException(text, new RuntimeException(SecretCorpus.inMessage(s, i + 1))));
          MDC.clear();
          Sentry.flush(10_000);
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> ingest.events.size() >= secrets.size());
      } finally {
        appender.stop();
        Sentry.close();
      }

      assertThat(SecretCorpus.leaks(ingest.all())).as("corpus secrets in Sentry envelopes").isEmpty();
      JsonNode event = ingest.events.get(0);
      assertThat(event.at("/contexts/MDC/channel").asText()).as("the MDC arrives, redacted").isNotEmpty();
      assertThat(event.at("/request/cookies").asText()).isEqualTo(Redactor.MASK);
      assertThat(event.at("/exception/values/0/value").asText()).contains("webhook").isNotEmpty();
      assertThat(event.path("breadcrumbs").size()).as("breadcrumbs").isPositive();
      for (JsonNode e : ingest.events) {
        assertThat(SecretCorpus.damagedLookAlikes(e.at("/contexts/look_alikes"))).as("look-alikes").isEmpty();
      }
    }
  }
}
