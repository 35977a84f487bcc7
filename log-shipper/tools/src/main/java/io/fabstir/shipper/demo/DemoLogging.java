package io.fabstir.shipper.demo;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The demo's console is for its own progress and report: the INFO logs of the broker, tail and indexer go to a
 * file in the work directory, and only warnings and errors also reach the console (all of them with --verbose).
 * The in-process broker's own warnings are routine for a fresh single-node cluster (e.g. "the metadata log appears
 * to be empty"), so only its errors reach the console.
 */
final class DemoLogging {
    private DemoLogging() {
    }

    static void toFile(Path file, boolean verbose) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding: leave its configuration alone
        }
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        List<Appender<ILoggingEvent>> existing = new ArrayList<>();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
            existing.add(it.next());
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{30} - %msg%n");
        encoder.start();
        FileAppender<ILoggingEvent> appender = new FileAppender<>();
        appender.setContext(context);
        appender.setName("DEMO_FILE");
        appender.setFile(file.toString());
        appender.setEncoder(encoder);
        appender.start();
        root.addAppender(appender);
        if (!verbose) {
            for (Appender<ILoggingEvent> a : existing) {
                ConsoleFilter filter = new ConsoleFilter();
                filter.setContext(context);
                filter.start();
                a.addFilter(filter);
            }
        }
    }

    /** Warnings and errors, except the broker's warnings. */
    static final class ConsoleFilter extends Filter<ILoggingEvent> {
        private static final String[] BROKER = {"kafka.", "org.apache.kafka.controller", "org.apache.kafka.raft",
            "org.apache.kafka.metadata", "org.apache.kafka.image", "org.apache.kafka.server",
            "org.apache.kafka.storage", "org.apache.kafka.coordinator", "org.apache.kafka.queue"};

        @Override
        public FilterReply decide(ILoggingEvent event) {
            Level min = Level.WARN;
            for (String prefix : BROKER) {
                if (event.getLoggerName().startsWith(prefix)) {
                    min = Level.ERROR;
                    break;
                }
            }
            return event.getLevel().isGreaterOrEqual(min) ? FilterReply.NEUTRAL : FilterReply.DENY;
        }
    }
}
