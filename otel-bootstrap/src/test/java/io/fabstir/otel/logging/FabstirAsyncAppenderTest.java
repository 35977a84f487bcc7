package io.fabstir.otel.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FabstirAsyncAppenderTest {

    /** Stands in for a network appender whose peer is down: blocks until released. */
    static final class StalledAppender extends AppenderBase<ILoggingEvent> {
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger delivered = new AtomicInteger();

        @Override
        protected void append(ILoggingEvent event) {
            if (event.getMessage().startsWith("error")) {
                delivered.incrementAndGet();
            }
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long reported(ListAppender<ILoggingEvent> file) {
        return file.list.stream()
                .filter(e -> e.getLoggerName().equals(FabstirAsyncAppender.class.getName()))
                .flatMap(e -> e.getKeyValuePairs().stream())
                .filter(kv -> kv.key.equals("fabstir.log.discarded"))
                .mapToLong(kv -> ((Number) kv.value).longValue())
                .sum();
    }

    @Test
    void recordsDroppedByAFullNonBlockingQueueAreCountedAndReportedToTheOtherAppenders() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        StalledAppender network = new StalledAppender();
        network.setContext(context);
        network.start();
        FabstirAsyncAppender async = new FabstirAsyncAppender();
        async.setContext(context);
        async.setName("NETWORK");
        async.setQueueSize(4);
        async.setNeverBlock(true);
        async.addAppender(network);
        async.start();
        ListAppender<ILoggingEvent> file = new ListAppender<>();
        file.setContext(context);
        file.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.addAppender(async);
        root.addAppender(file);
        try {
            Logger log = context.getLogger("app");
            long started = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                log.error("error {}", i);
            }
            assertThat(System.nanoTime() - started).as("the application never waits for the stalled peer")
                    .isLessThan(TimeUnit.SECONDS.toNanos(10));
            // Logback's worker drains the whole queue at once, so room can open up mid-burst and a first report
            // may already have been logged: what was lost is what was reported plus what is still pending.
            assertThat(reported(file) + async.pendingDiscardCount()).isGreaterThanOrEqualTo(90);

            network.release.countDown();
            await().atMost(30, TimeUnit.SECONDS).until(() -> async.getNumberOfElementsInQueue() == 0);
            log.info("peer is back");

            ILoggingEvent report = file.list.stream()
                    .filter(e -> e.getLoggerName().equals(FabstirAsyncAppender.class.getName()))
                    .reduce((first, last) -> last).orElseThrow();
            assertThat(report.getLevel()).isEqualTo(Level.WARN);
            assertThat(report.getFormattedMessage()).contains(" log events were discarded").contains("NETWORK");
            assertThat(async.pendingDiscardCount()).isZero();
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() ->
                    assertThat(network.delivered.get() + reported(file))
                            .as("every event is either delivered or counted as lost").isEqualTo(100));
        } finally {
            network.release.countDown();
            context.stop();
        }
    }
}
