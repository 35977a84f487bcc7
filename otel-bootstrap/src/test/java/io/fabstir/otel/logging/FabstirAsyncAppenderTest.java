package io.fabstir.otel.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class FabstirAsyncAppenderTest {

    /** Stands in for a network appender whose peer is down: blocks until released. */
    static final class StalledAppender extends AppenderBase<ILoggingEvent> {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        protected void append(ILoggingEvent event) {
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
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
            assertThat(async.pendingDiscardCount()).isGreaterThanOrEqualTo(90);
            long dropped = async.pendingDiscardCount();

            network.release.countDown();
            await().atMost(30, TimeUnit.SECONDS).until(() -> async.getNumberOfElementsInQueue() == 0);
            log.info("peer is back");

            ILoggingEvent report = file.list.stream()
                    .filter(e -> e.getLoggerName().equals(FabstirAsyncAppender.class.getName()))
                    .findFirst().orElseThrow();
            assertThat(report.getLevel()).isEqualTo(Level.WARN);
            assertThat(report.getFormattedMessage()).contains(dropped + " log events were discarded")
                    .contains("NETWORK");
            List<KeyValuePair> kvps = report.getKeyValuePairs();
            assertThat(kvps).anySatisfy(kv -> {
                assertThat(kv.key).isEqualTo("fabstir.log.discarded");
                assertThat(kv.value).isEqualTo(dropped);
            });
            assertThat(async.pendingDiscardCount()).isZero();
        } finally {
            network.release.countDown();
            context.stop();
        }
    }
}
