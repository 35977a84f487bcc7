import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a shipper process spent its CPU, from a JFR recording: the share of CPU samples per pipeline stage and the
 * hottest methods. A stage is the first rule below whose class prefix appears anywhere in a sample's stack, so a
 * Jackson frame under the normaliser counts as the normaliser's and under the bulk response as the response's.
 * Java samples (jdk.ExecutionSample) and native samples of code that computes (zlib, lz4) are counted; native
 * samples of threads that wait (poll, read, park) are not CPU and are left out.
 *
 * <pre>java log-shipper/bench/JfrSummary.java index.jfr [methods=20]</pre>
 */
public final class JfrSummary {
    private static final String[][] STAGES = {
        {"request compression (gzip)", "java.util.zip.Deflater", "java.util.zip.GZIPOutputStream"},
        {"response decompression (gunzip)", "java.util.zip.Inflater", "java.util.zip.GZIPInputStream"},
        {"Kafka lz4", "org.apache.kafka.common.compress.Lz4", "net.jpountz", "at.yawk"},
        {"bulk response parsing", "co.elastic.clients.elasticsearch.core.BulkResponse",
            "co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem", "co.elastic.clients.json.",
            "org.eclipse.parsson"},
        {"bulk request building", "co.elastic.clients.elasticsearch._helpers.bulk",
            "co.elastic.clients.elasticsearch.core.bulk", "co.elastic.clients.elasticsearch.core.BulkRequest",
            "co.elastic.clients.transport", "co.elastic.clients.util"},
        {"normaliser (streaming JSON check)", "io.fabstir.shipper.normalize"},
        {"edge: redaction", "io.fabstir.enrichers.redact"},
        {"edge: record shaping (parse, enrich, serialise)", "io.fabstir.shipper.tail.RecordShaper",
            "io.fabstir.shipper.tail.LineDecoder", "io.fabstir.enrichers"},
        {"edge: reading and sending", "io.fabstir.shipper.tail", "io.fabstir.shipper.kafka"},
        {"Kafka producer", "org.apache.kafka.clients.producer"},
        {"Kafka consumer (fetch, records)", "org.apache.kafka.clients.consumer", "org.apache.kafka.common.record"},
        {"Kafka client network", "org.apache.kafka"},
        {"HTTP client", "org.apache.http", "org.elasticsearch.client"},
        {"Elasticsearch sink and loop", "io.fabstir.shipper.sink", "io.fabstir.shipper.index"},
        {"logging", "ch.qos.logback", "org.slf4j"},
        {"JDK / other", ""},
    };
    private static final String[] BUSY_NATIVE = {"java.util.zip.", "net.jpountz", "at.yawk", "java.lang.System.arraycopy"};

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Map<String, Integer> stages = new LinkedHashMap<>();
        for (String[] s : STAGES) {
            stages.put(s[0], 0);
        }
        Map<String, Integer> self = new HashMap<>();
        int samples = 0;
        int idleNative = 0;
        for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
            String type = e.getEventType().getName();
            boolean nativeSample = type.equals("jdk.NativeMethodSample");
            if (!nativeSample && !type.equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            List<RecordedFrame> frames = st.getFrames();
            String leaf = name(frames.get(0));
            if (nativeSample && !startsWithAny(leaf, BUSY_NATIVE)) {
                idleNative++;
                continue;
            }
            samples++;
            self.merge(leaf, 1, Integer::sum);
            stages.merge(stage(frames), 1, Integer::sum);
        }
        System.out.printf(Locale.ROOT, "%s: %d CPU samples (%d native samples of waiting threads left out)%n%n", file,
                samples, idleNative);
        System.out.println("| stage | share of samples |");
        System.out.println("|---|---:|");
        for (Map.Entry<String, Integer> s : stages.entrySet()) {
            if (s.getValue() > 0) {
                System.out.printf(Locale.ROOT, "| %s | %.1f %% |%n", s.getKey(), 100.0 * s.getValue() / samples);
            }
        }
        System.out.println();
        System.out.println("| hottest methods (self) | share |");
        System.out.println("|---|---:|");
        List<Map.Entry<String, Integer>> hot = new ArrayList<>(self.entrySet());
        hot.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        for (Map.Entry<String, Integer> h : hot.subList(0, Math.min(top, hot.size()))) {
            System.out.printf(Locale.ROOT, "| `%s` | %.1f %% |%n", h.getKey(), 100.0 * h.getValue() / samples);
        }
    }

    private static String stage(List<RecordedFrame> frames) {
        for (String[] s : STAGES) {
            for (RecordedFrame f : frames) {
                if (startsWithAny(name(f), s, 1)) {
                    return s[0];
                }
            }
        }
        return "JDK / other";
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static boolean startsWithAny(String name, String[] prefixes) {
        return startsWithAny(name, prefixes, 0);
    }

    private static boolean startsWithAny(String name, String[] prefixes, int from) {
        for (int i = from; i < prefixes.length; i++) {
            if (name.startsWith(prefixes[i])) {
                return true;
            }
        }
        return false;
    }
}
