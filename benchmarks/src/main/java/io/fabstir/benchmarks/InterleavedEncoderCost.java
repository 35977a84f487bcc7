package io.fabstir.benchmarks;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.Encoder;

import java.util.Arrays;

/**
 * The cost of redaction inside the encoder, measured so that a busy shared machine moves both sides alike: the
 * encoders of {@link EncoderBenchmark} (same records, same events) take turns in one JVM, a short batch each, for
 * many rounds, and each keeps its fastest batch. JMH's runs are sequential, so load that comes and goes between
 * two of them shows up as a difference between encoders; here it cannot. Not a replacement for the JMH figures
 * (no forks, no blackhole), a check of their ratios.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.fabstir.benchmarks.InterleavedEncoderCost
 * [records] [encoders]}, e.g. {@code event,exception,kv,structured fabstir,fabstirNoRedaction,logstash}.
 */
public final class InterleavedEncoderCost {

    private static final int ROUNDS = 400;
    private static volatile Object sink;

    private InterleavedEncoderCost() {
    }

    public static void main(String[] args) {
        String[] records = (args.length > 0 ? args[0] : "event,exception,kv,structured").split(",");
        String[] names = (args.length > 1 ? args[1] : "fabstir,fabstirNoRedaction,logstash").split(",");
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        System.out.printf("%-11s%s   (ns per event, fastest batch of %d rounds)%n", "record", String.join(" / ", names),
                ROUNDS);
        for (String record : records) {
            @SuppressWarnings("unchecked")
            Encoder<ILoggingEvent>[] encoders = new Encoder[names.length];
            ILoggingEvent[] events = new ILoggingEvent[names.length];
            for (int k = 0; k < names.length; k++) {
                encoders[k] = EncoderBenchmark.encoder(names[k], context);
                events[k] = EncoderBenchmark.event(context, record, names[k].equals("logstash"));
            }
            int batch = record.equals("exception") ? 500 : 3000;
            long[] best = new long[names.length];
            Arrays.fill(best, Long.MAX_VALUE);
            for (int round = 0; round < ROUNDS; round++) {
                for (int k = 0; k < names.length; k++) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < batch; i++) {
                        sink = encoders[k].encode(events[k]);
                    }
                    best[k] = Math.min(best[k], System.nanoTime() - t0);
                }
            }
            StringBuilder line = new StringBuilder(String.format("%-11s", record));
            for (int k = 0; k < names.length; k++) {
                line.append(String.format(k == 0 ? "%.0f" : " / %.0f", best[k] / (double) batch));
            }
            if (names.length > 1) {
                line.append(String.format("   %s/%s = %.2f", names[0], names[1], (double) best[0] / best[1]));
            }
            System.out.println(line);
            for (Encoder<ILoggingEvent> e : encoders) {
                e.stop();
            }
        }
        context.stop();
    }
}
