package io.fabstir.shipper.demo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Fabstir monitoring guide's JavaScript node, as its winston logger writes (docs/formats.md, "winston"), written
 * by a thread of the demo (no Node.js needed) into the example node's log folder, so the demo's {@code tail} ships it
 * with the rest and maps it at the edge. One job a second: {@code logJob} events (epoch-millisecond
 * {@code timestamp}, camelCase job fields), the job's child-logger lines ({@code timestamp()} with a {@code +0000}
 * offset, OpenTelemetry's {@code trace_id}/{@code span_id}), a {@code logPerformance} event every third job, a
 * {@code logAudit} event every fifth, and one job in seven (from the third) failing as the guide logs it (string {@code error},
 * {@code stack}, {@code duration} in ms).
 */
final class WinstonNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WinstonNode.class);
    static final String FILE = "winston-node.json";
    /** The format's name on its mapped records ({@code fabstir.format}). */
    static final String FORMAT = "winston";
    private static final DateTimeFormatter WINSTON_TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSxx");
    private static final String[] MODELS = {"llama-3-8b", "mistral-7b-instruct", "sdxl-1.0"};
    private static final long JOB_EVERY_MS = 1000;

    private final Path file;
    private final String nodeId;
    private final Random random = new Random(23);
    private final AtomicLong lines = new AtomicLong();
    private final Thread thread;
    /** Counted down to stop; waited on between jobs (never an interrupt, which would close the file mid-line). */
    private final CountDownLatch stop = new CountDownLatch(1);
    private int jobs;

    private WinstonNode(Path file, String nodeId) {
        this.file = file;
        this.nodeId = nodeId;
        this.thread = new Thread(this::run, "demo-winston-node");
        thread.setDaemon(true);
    }

    /** Starts writing {@code logDir/winston-node.json}. */
    static WinstonNode start(Path logDir, String nodeId) {
        WinstonNode n = new WinstonNode(logDir.resolve(FILE), nodeId);
        n.thread.start();
        return n;
    }

    Path file() {
        return file;
    }

    /** Lines written so far. */
    long lines() {
        return lines.get();
    }

    private void run() {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            do {
                job(w);
                w.flush();
            } while (!stop.await(JOB_EVERY_MS, TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.error("the winston node stopped writing {}: {}", file, e.toString());
        }
    }

    private void job(BufferedWriter w) throws IOException {
        int n = ++jobs;
        String job = String.format(Locale.ROOT, "js-job-%04d", n);
        String model = MODELS[n % MODELS.length];
        String trace = hex(32);
        String common = ",\"service\":\"fabstir-node\",\"version\":\"1.4.2\",\"nodeId\":\"" + nodeId + "\"";
        String context = ",\"trace_id\":\"" + trace + "\",\"span_id\":\"" + hex(16) + "\",\"trace_flags\":\"01\"";
        // logJob('started', jobId, {model}): the guide's event, Date.now() as its timestamp
        line(w, "{\"event\":\"job.started\",\"jobId\":\"" + job + "\",\"model\":\"" + model + "\",\"timestamp\":"
                + System.currentTimeMillis() + ",\"level\":\"info\"" + common + "}");
        // the job's child logger, inside its span: winston's timestamp() and the OpenTelemetry instrumentation
        line(w, "{\"level\":\"info\",\"message\":\"Job processing started\",\"jobId\":\"" + job + "\",\"model\":\""
                + model + "\"" + context + common + ",\"timestamp\":\"" + now() + "\"}");
        if (n % 3 == 0) {
            line(w, "{\"event\":\"performance\",\"operation\":\"model.load\",\"duration\":" + (300 + random.nextInt(2200))
                    + ",\"model\":\"" + model + "\",\"timestamp\":" + System.currentTimeMillis() + ",\"level\":\"info\""
                    + common + "}");
        }
        int duration = 800 + random.nextInt(6000);
        if (n % 7 == 3) { // the third job already, so a short run has a failure too
            // try { ... } catch (error) { jobLogger.error('Job processing failed', {error: error.message, stack, duration}) }
            line(w, "{\"level\":\"error\",\"message\":\"Job processing failed\",\"error\":\"CUDA out of memory\","
                    + "\"stack\":\"Error: CUDA out of memory\\n    at runInference (/app/src/inference.js:88:11)\\n    "
                    + "at processJob (/app/src/jobs.js:41:5)\",\"duration\":" + duration + ",\"jobId\":\"" + job
                    + "\",\"model\":\"" + model + "\"" + context + common + ",\"timestamp\":\"" + now() + "\"}");
            line(w, "{\"event\":\"job.failed\",\"jobId\":\"" + job + "\",\"reason\":\"CUDA out of memory\",\"timestamp\":"
                    + System.currentTimeMillis() + ",\"level\":\"error\"" + common + "}");
        } else {
            line(w, "{\"event\":\"job.completed\",\"jobId\":\"" + job + "\",\"model\":\"" + model + "\",\"tokensUsed\":"
                    + (50 + random.nextInt(4000)) + ",\"duration\":" + duration + ",\"timestamp\":"
                    + System.currentTimeMillis() + ",\"level\":\"info\"" + common + "}");
        }
        if (n % 5 == 0) {
            line(w, "{\"event\":\"audit\",\"action\":\"payment.received\",\"userId\":\"0x" + hex(40) + "\",\"amount\":\"0."
                    + (100 + random.nextInt(900)) + "\",\"jobId\":\"" + job + "\",\"timestamp\":" + System.currentTimeMillis()
                    + ",\"level\":\"info\"" + common + "}");
        }
    }

    private void line(BufferedWriter w, String json) throws IOException {
        w.write(json);
        w.write('\n');
        lines.incrementAndGet();
    }

    private static String now() {
        return WINSTON_TIME.format(Instant.now().atOffset(ZoneOffset.UTC));
    }

    private String hex(int digits) {
        StringBuilder sb = new StringBuilder(digits);
        for (int i = 0; i < digits; i++) {
            sb.append(Character.forDigit(random.nextInt(16), 16));
        }
        return sb.toString();
    }

    /** Stops writing; every line written is complete and flushed. */
    @Override
    public void close() {
        stop.countDown();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
